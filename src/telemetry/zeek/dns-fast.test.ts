import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { ingestFile } from '../ingest.js';
import { zeekDnsBody, zeekDnsLayout } from './dns-layout.js';
import { importIntelFile } from '../../intel/import.js';

const match = { graceMs: 86_400_000 };

const HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tdns',
  '#open\t2024-06-01-00-00-00',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype\tqtype_name\tanswers\tTTLs',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tcount\tstring\tvector[string]\tvector[interval]',
];
const row = (ts: string, client: string, server: string, query: string, qtype: string, qname: string, answers: string) =>
  [ts, 'C1', client, '5353', server, '53', 'udp', query, qtype, qname, answers, '-'].join('\t');
const ROWS = [
  row('1717236000.123456', '192.0.2.10', '198.51.100.53', 'c2.example', '1', 'A', '203.0.113.5,203.0.113.6'),
  row('1717236001.5', '192.0.2.11', '-', 'WWW.Sub.C2.Example.', '28', '-', '(empty)'),
  row('1717236002', '2001:db8::11', '2001:db8::53', 'benign.example', '-', 'TXT', '-'),
  row('1717236003.000001', '192.0.2.12', '198.51.100.53', 'other.example', '1', 'A', 'x'),
];
const CLOSE = '#close\t2024-06-01-01-00-00';

async function dnsOf(path: string, lineByLine: boolean) {
  const store = await openTestStore();
  const intel = join(tempDir(), 'c2.txt');
  writeFileSync(intel, 'c2.example\n');
  await importIntelFile(store, intel, { source: 'test', match });
  const r = await ingestFile(store, path, { match, lineByLine });
  assert.equal(r.status, 'imported');
  const rows = await store.db.all(`SELECT * EXCLUDE (import_id) FROM dns ORDER BY line`);
  const sightings = await store.db.all(`SELECT victim, indicator_id, kind, first_seen, events, first_line, detail FROM sightings ORDER BY victim`);
  await store.close();
  return { r, rows, sightings };
}

function write(name: string, lines: string[]): string {
  const f = join(tempDir(), name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

test('a plain Zeek dns.log is read by DuckDB and stored exactly as the line reader stores it', async () => {
  const f = write('dns.log', [...HEADER, ...ROWS, CLOSE]);
  const fast = await dnsOf(f, false);
  const slow = await dnsOf(f, true);
  assert.equal(fast.r.status === 'imported' && fast.r.fast, true);
  assert.equal(slow.r.status === 'imported' && slow.r.fast, undefined);
  assert.equal(fast.rows.length, 4);
  assert.deepEqual(fast.rows, slow.rows);
  assert.deepEqual(fast.sightings, slow.sightings);
  assert.equal(fast.sightings.length, 2, 'c2.example and its subdomain');
  assert.deepEqual(fast.rows.map((r) => r.line), [9, 10, 11, 12]);
  const [first, second, third] = fast.rows as { query: string; answers: string[] | null; server: unknown; qtype: string | null }[];
  assert.deepEqual(first!.answers, ['203.0.113.5', '203.0.113.6']);
  assert.deepEqual([second!.query, second!.server, second!.qtype, second!.answers], ['www.sub.c2.example', null, '28', null]);
  assert.deepEqual([third!.qtype, third!.answers], ['TXT', null]);
  if (fast.r.status === 'imported' && slow.r.status === 'imported') assert.deepEqual(fast.r.counts.records, slow.r.counts.records);
  // Gzipped, as Zeek rotates its logs: DuckDB decompresses it too.
  const gz = join(tempDir(), 'dns.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(f)));
  const zipped = await dnsOf(gz, false);
  assert.equal(zipped.r.status === 'imported' && zipped.r.fast, true);
  assert.deepEqual(zipped.rows, fast.rows);
  // CRLF line ends: the same rows as with LF ones.
  const crlf = join(tempDir(), 'dns-crlf.log');
  writeFileSync(crlf, [...HEADER, ...ROWS, CLOSE].join('\r\n') + '\r\n');
  const [crlfFast, crlfSlow] = [await dnsOf(crlf, false), await dnsOf(crlf, true)];
  assert.equal(crlfFast.r.status === 'imported' && crlfFast.r.fast, true);
  assert.deepEqual(crlfFast.rows, crlfSlow.rows);
  assert.deepEqual(crlfFast.rows, fast.rows);
});

test('a dns.log the fast path refuses is read line by line, with the same result', async () => {
  const cases: Record<string, string[]> = {
    'an escaped query': [...HEADER, ...ROWS, row('1717236004', '192.0.2.13', '-', 'a\\x2cb.c2.example', '1', 'A', '-')],
    'a second header block': [...HEADER, ...ROWS.slice(0, 2), CLOSE, ...HEADER, ...ROWS.slice(2)],
    'a short line': [...HEADER, ...ROWS, '1717236004\tC9\t192.0.2.14'],
    'a line without a question': [...HEADER, ...ROWS, row('1717236004', '192.0.2.15', '-', '-', '-', '-', '-')],
    'a padded query': [...HEADER, ...ROWS, row('1717236004', '192.0.2.16', '-', ' c2.example', '1', 'A', '-')],
    'a blank line inside': [...HEADER, ROWS[0]!, '', ...ROWS.slice(1)],
    'a bad address': [...HEADER, ...ROWS, row('1717236004', '192.0.2.300', '-', 'c2.example', '1', 'A', '-')],
    'ISO times': [...HEADER, ...ROWS.map((r) => r.replace(/^\S+/, '2024-06-01T10:00:00Z'))],
    'other markers': [...HEADER.map((h) => h.replace('#unset_field\t-', '#unset_field\tnil')), ...ROWS.map((r) => r.replace('\t-\t', '\tnil\t'))],
  };
  for (const [name, lines] of Object.entries(cases)) {
    const f = write(`${name.replace(/ /g, '-')}.log`, lines);
    const fast = await dnsOf(f, false);
    const slow = await dnsOf(f, true);
    assert.equal(fast.r.status === 'imported' && fast.r.fast, undefined, name);
    assert.deepEqual(fast.rows, slow.rows, name);
    assert.deepEqual(fast.sightings, slow.sightings, name);
  }
});

test('the layout names the columns and the header length; the body scan counts data lines and finds breaks', async () => {
  const l = zeekDnsLayout([...HEADER, ROWS[0]!])!;
  assert.deepEqual([l.headerLines, l.ts, l.client, l.server, l.query, l.qtype, l.qtypeName, l.answers, l.answersIsSet], [8, 0, 2, 4, 7, 8, 9, 10, true]);
  assert.equal(zeekDnsLayout([...HEADER.map((h) => h.replace('#path\tdns', '#path\tconn')), ROWS[0]!]), undefined);
  assert.equal(zeekDnsLayout([...HEADER, ROWS[0]!], '+02:00'), undefined);
  assert.equal(zeekDnsLayout([...HEADER, ROWS[0]!.replace(/^\S+/, '2024-06-01T10:00:00Z')]), undefined);
  assert.deepEqual(await zeekDnsBody(write('b1.log', [...HEADER, ...ROWS, CLOSE, '']), 8), { plain: true, dataLines: 4 });
  assert.deepEqual(await zeekDnsBody(write('b2.log', [...HEADER, ROWS[0]!, CLOSE, ROWS[1]!]), 8), { plain: false, dataLines: 0 });
  assert.deepEqual(await zeekDnsBody(write('b3.log', ['', ...HEADER, ...ROWS]), 8), { plain: false, dataLines: 0 });
  // A long file: line counts across read chunks.
  const many = Array.from({ length: 60_000 }, (_, i) => row(`17172360${String(i % 100).padStart(2, '0')}`, '192.0.2.1', '-', `q${i}.example`, '1', 'A', '-'));
  assert.deepEqual(await zeekDnsBody(write('b4.log', [...HEADER, ...many, CLOSE]), 8), { plain: true, dataLines: 60_000 });
});
