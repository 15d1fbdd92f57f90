// Indicator files as advisories write them: prose timeframes, second tables, rulers and
// space-aligned columns, and hashes whose kind the file's headings and labels tell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTextList } from './text-list.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url)), 'utf8');
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const endOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d + 1) - 1;

test('a Timeframe column sets each address\'s window and is kept as written', () => {
  const r = parseTextList(fixture('advisory-timeframes.txt'));
  const win = (v: string) => {
    const i = r.indicators.find((x) => x.value === v)!;
    return [i.firstSeen, i.lastSeen, i.timeframe];
  };
  assert.deepEqual(win('198.51.100.10'), [day(2023, 12, 5), endOf(2024, 1, 3), 'Dec 5, 2023 - Jan 3, 2024']);
  assert.deepEqual(win('198.51.100.11'), [day(2023, 12, 15), endOf(2023, 12, 15), 'Dec 15, 2023']);
  assert.deepEqual(win('198.51.100.12'), [day(2022, 2, 7), endOf(2022, 5, 6), 'Feb. 7 – May 6 2022']);
  assert.deepEqual(win('198.51.100.13'), [day(2022, 9, 22), endOf(2022, 11, 2), 'Sept. 22 – Nov. 2 2022']);
  assert.deepEqual(win('198.51.100.14'), [day(2023, 12, 5), endOf(2023, 12, 20), 'Dec 5 - 20, 2023']);
  assert.deepEqual(win('198.51.100.15'), [day(2022, 11, 1), endOf(2023, 1, 31), 'Nov 2022 - Jan 2023']);
  assert.deepEqual(win('198.51.100.16'), [day(2023, 3, 1), endOf(2023, 3, 31), 'March 2023']);
  assert.equal(r.indicators.find((x) => x.value === '198.51.100.10')!.description, 'relay');
});

test('an unreadable timeframe is a rejected field with its line', () => {
  const r = parseTextList(fixture('advisory-timeframes.txt'));
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[12, 'Active Timeframe'], [17, 'Timeframe (UTC)']]);
  assert.match(r.rejected[0]!.reason, /not a timeframe .*"sometime last year"/);
  assert.match(r.rejected[1]!.reason, /no day 30 in month 2/);
  assert.ok(!r.indicators.some((x) => x.value === '198.51.100.17' || x.value === 'relay-b.example'));
});

test('a second table part-way through the file brings its own header and separator', () => {
  const r = parseTextList(fixture('advisory-timeframes.txt'));
  const a = r.indicators.find((x) => x.value === 'relay-a.example')!;
  assert.equal(a.line, 16);
  assert.deepEqual([a.firstSeen, a.lastSeen, a.timeframe, a.description], [day(2024, 1, 3), endOf(2024, 2, 1), 'Jan 3 - Feb 1, 2024', 'second table']);
  const c = r.indicators.find((x) => x.value === 'relay-c.example')!;
  assert.deepEqual([c.firstSeen, c.lastSeen, c.timeframe], [undefined, undefined, undefined]);
  assert.deepEqual(r.indicators.map((x) => x.line), [5, 6, 7, 8, 9, 10, 11, 16, 18]);
});

test('explicit first/last-seen columns win; a timeframe fills what they leave open; prose dates read there too', () => {
  const r = parseTextList('ip\tfirst seen\tlast seen\ttimeframe\n192.0.2.1\t2024-01-10\t\tJan 2024\n192.0.2.2\tDec 15, 2023\tJan. 3, 2024\t\n');
  assert.deepEqual([r.indicators[0]!.firstSeen, r.indicators[0]!.lastSeen], [day(2024, 1, 10), endOf(2024, 1, 31)]);
  assert.deepEqual([r.indicators[1]!.firstSeen, r.indicators[1]!.lastSeen], [day(2023, 12, 15), endOf(2024, 1, 3)]);
});

test('rows aligned with spaces under a ruler are read with the columns of the header above', () => {
  const r = parseTextList(fixture('advisory-rulers.txt'));
  assert.deepEqual(
    r.indicators.map((i) => [i.line, i.type, i.value, i.timeframe ?? null]),
    [
      [5, 'ip-port', '203.0.113.20:443', 'Dec 5, 2023 - Jan 3, 2024'],
      [6, 'ip-port', '203.0.113.21:8443', 'Jan 2024'],
      [12, 'domain', 'stage-1.example', 'Feb. 7 – May 6 2022'],
      [13, 'url', 'http://203.0.113.30/a', 'Sept. 22 – Nov. 2 2022'],
    ],
  );
  assert.equal(r.indicators[2]!.firstSeen, day(2022, 2, 7));
  assert.equal(r.indicators[3]!.description, 'dropper URL');
});

test('no line holding an indicator vanishes into a skipped section', () => {
  const r = parseTextList(fixture('advisory-rulers.txt'));
  // the sentence naming an address and a defanged domain is rejected with its line, the rest is prose
  assert.deepEqual(r.rejected.map((x) => x.line), [15]);
  assert.match(r.rejected[0]!.reason, /holds "203.0.113.99"/);
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine]), [[1, 1], [8, 8], [16, 16]]);
  // whatever the shape of the token: defanged, a URL, a CIDR, a hash
  for (const token of ['198.51.100.7', 'c2[.]example', 'hxxps://x[.]example/a', '192.0.2.0/24', 'ab'.repeat(32), '2001:db8::1']) {
    const t = parseTextList(`Some prose first\nthe actor used ${token} then left\n`);
    assert.deepEqual(t.rejected.map((x) => x.line), [2], token);
  }
});

test('hashes are file hashes unless the file says certificate; JA3 values are reported, not imported', () => {
  const r = parseTextList(fixture('advisory-hashes.txt'));
  assert.deepEqual(
    r.indicators.map((i) => [i.line, i.type, i.value.slice(0, 4), i.description ?? null]),
    [
      [2, 'file-sha256', '3333', 'Kv-all.sh'],
      [3, 'file-sha256', '7f7f', 'x86_64.elf'],
      [4, 'file-sha256', 'c4c4', null],
      [5, 'file-sha1', '9e9e', null],
      [6, 'file-md5', '5d5d', null],
      [9, 'cert-sha256', '0b0b', null],
      [10, 'cert-sha1', 'e1e1', null],
      [13, 'file-sha256', 'aaaa', null],
      [20, 'cert-sha1', '2c2c', null],
    ],
  );
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[17, 'JA3'], [23, undefined]]);
  assert.match(r.rejected[0]!.reason, /JA3/);
  assert.match(r.rejected[1]!.reason, /JA4/);
});

test('a bare hash with no context is a file hash; colon pairs as TLS tools print them are a certificate', () => {
  const r = parseTextList(`${'ab'.repeat(32)}\n${'AB:'.repeat(31)}AB\n`);
  assert.deepEqual(r.indicators.map((i) => i.type), ['file-sha256', 'cert-sha256']);
});

test('a row of the table with its indicator missing stays a rejected row, not a new header', () => {
  const r = parseTextList('Indicator\tType\tCategory\n198.51.100.1\tIP\tC2\n-\tDomain\tC2\n198.51.100.2\tIP\tC2\n');
  assert.deepEqual(r.indicators.map((i) => [i.line, i.value, i.category]), [[2, '198.51.100.1', 'C2'], [4, '198.51.100.2', 'C2']]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[3, 'Indicator']]);
});
