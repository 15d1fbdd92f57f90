// Tests for the messy text/TSV/CSV list importer, on fixtures written for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTextList } from './text-list.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url)), 'utf8');
const DAY = 86_400_000;

test('TSV report: table rows, merged duplicate, rejected rows with line and column', () => {
  const r = parseTextList(fixture('mixed-report.txt'));
  assert.deepEqual(r.indicators.map((i) => `${i.line} ${i.type} ${i.value}`), [
    '2 ip 198.51.100.7',
    '3 ip 203.0.113.9',
    '5 domain c2-node.example',
    '6 domain cdn-fake.example',
    '7 ip 2001:db8::beef',
    '8 cidr 192.0.2.0/24',
    '11 cert-sha256 abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
  ]);
  assert.equal(r.duplicates, 3);
  const dup = r.indicators[0]!;
  // window is the union of both rows, the second row's category kept as a tag
  assert.equal(dup.firstSeen, Date.UTC(2023, 11, 30));
  assert.equal(dup.lastSeen, Date.UTC(2024, 1, 3) + DAY - 1);
  assert.equal(dup.category, 'Tier 1');
  assert.deepEqual(dup.tags, ['Tier 2 Relay']);
  // a non-generic Type value becomes a tag; an empty Last Seen leaves the window open
  const cert = r.indicators.find((i) => i.value === 'cdn-fake.example')!;
  assert.deepEqual(cert.tags, ['TLS Cert Domain']);
  assert.equal(cert.lastSeen, undefined);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[9, 'Indicator'], [10, 'First Seen']]);
  // a domain beside an encoded snippet is read, the snippet describing it (it repeats the table's row)
  assert.match(r.indicators.find((i) => i.value === 'c2-node.example')!.description!, /^Zm9vYmFy/);
});

test('TSV report: prose, encoded snippets and YARA rules are skipped sections with their lines', () => {
  const r = parseTextList(fixture('mixed-report.txt'));
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine, s.reason]), [
    [13, 14, 'free text'],
    [19, 19, 'free text'],
    [20, 28, 'YARA rule'],
    [30, 36, 'YARA rule'],
  ]);
  assert.equal(r.skipped[2]!.sample, 'rule Example_Implant {');
});

test('plain list: comments, ip:port, defanged URL with trailing comment, rejected and skipped lines', () => {
  const r = parseTextList(fixture('plain-list.txt'));
  assert.deepEqual(r.indicators.map((i) => [i.line, i.type, i.value, i.description ?? null]), [
    [4, 'ip-port', '192.0.2.10:8443', null],
    [5, 'ip-port', '[2001:db8::1]:443', null],
    [6, 'url', 'https://evil-login.example/wp/admin.php?id=1', 'phishing kit'],
    [7, 'domain', 'bad-host.example', 'C2 beacon'],
    [10, 'file-md5', 'd41d8cd98f00b204e9800998ecf8427e', null],
    [14, 'ip', '203.0.113.77', null],
  ]);
  assert.deepEqual(r.indicators[5]!.tags, ['Mirai', 'scanner']);
  assert.equal(r.duplicates, 1); // BAD-HOST.example on line 8
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.reason]), [[9, 'file name']]);
  assert.deepEqual(r.rejected.map((x) => x.line), [11, 12, 13]);
  assert.match(r.rejected[0]!.reason, /port/);
});

test('CSV with quoted cells, a commented header, a port column and a tz for zone-less times', () => {
  const text = [
    '# Fixture C2 list',
    '# first_seen_utc,dst_ip,dst_port,c2_status,malware',
    '"2024-05-01 10:00:00","192.0.2.80","2323","online","Fixture, variant B"',
    '"2024-05-02 11:30:00","192.0.2.81","","offline","Fixture"',
    '"2024-05-03 00:00:00","192.0.2.82","99999","online","Fixture"',
  ].join('\n');
  const r = parseTextList(text, { tz: '+02:00' });
  assert.deepEqual(r.indicators.map((i) => i.value), ['192.0.2.80:2323', '192.0.2.81']);
  assert.equal(r.indicators[0]!.category, 'Fixture, variant B');
  assert.equal(r.indicators[0]!.firstSeen, Date.UTC(2024, 4, 1, 8, 0));
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[5, 'dst_port']]);
});

test('semicolon and pipe tables, tags column split, to_ids column', () => {
  const semi = parseTextList('value;type;tags;to_ids\nrelay.example;hostname;botnet, proxy;0\n');
  assert.deepEqual(semi.indicators[0]!.tags, ['botnet', 'proxy']);
  assert.equal(semi.indicators[0]!.forDetection, false);
  const pipe = parseTextList('ip|comment\n198.51.100.9|seen scanning telnet\n');
  assert.equal(pipe.indicators[0]!.description, 'seen scanning telnet');
});

test('a quoted CSV cell may span lines; a stray quote does not swallow the file', () => {
  const r = parseTextList('value,description\n198.51.100.1,"first line\nsecond line"\n198.51.100.2,ok\n');
  assert.equal(r.indicators[0]!.description, 'first line\nsecond line');
  assert.equal(r.indicators[1]!.line, 4);
  const stray = parseTextList('value,description\n198.51.100.1,"never closed\n198.51.100.2,ok\n');
  assert.deepEqual(stray.indicators.map((i) => [i.line, i.value]), [[2, '198.51.100.1'], [3, '198.51.100.2']]);
});

test('a header after indicators starts a second table with its own columns', () => {
  const r = parseTextList('198.51.100.1\ncomment,ip\nsecond table,198.51.100.2\n');
  assert.deepEqual(r.indicators.map((i) => [i.line, i.value, i.description ?? null]), [[1, '198.51.100.1', null], [3, '198.51.100.2', 'second table']]);
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(r.rejected, []);
});

test('a table header after a prose introduction still gives the columns their meaning', () => {
  const r = parseTextList('Our findings\nsome prose here\n\nIndicator\tType\tFirst seen\tLast seen\tComment\n203.0.113.7\tC2\t2024-01-01\t2024-02-01\tnosedive\n');
  assert.equal(r.indicators.length, 1);
  const ind = r.indicators[0]!;
  assert.equal(ind.firstSeen, Date.parse('2024-01-01T00:00:00Z'));
  assert.equal(ind.description, 'nosedive');
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine]), [[1, 2]]);
});

test('a "rule Name" line without a body is prose, not the start of a YARA rule', () => {
  const r = parseTextList('rule Changes\nThe list changed in May.\n198.51.100.3\n');
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine, s.reason]), [[1, 2, 'free text']]);
  assert.deepEqual(r.indicators.map((i) => i.line), [3]);
});
