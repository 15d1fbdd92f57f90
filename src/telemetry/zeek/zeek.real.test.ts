// Real-data suite: every Zeek sample in ../shared/data read through readTelemetry. The expected
// counts were established independently of this code, with wc, grep, awk and jq on the files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, parseIp } from '../../core/ip.js';
import { headLines, readTelemetry, type ReadSummary } from '../../core/reader.js';
import type { DnsRecord, FlowRecord, TelemetryRecord } from '../../core/model/telemetry.js';
import { haveShared, shared } from '../../../test/shared.js';
import { zeekFormat } from './index.js';
import { basename } from 'node:path';
import { openTestStore } from '../../../test/store.js';
import { ingestFile } from '../ingest.js';

const skip = !haveShared && 'no ../shared/data';

async function read(rel: string): Promise<{ summary: ReadSummary; records: TelemetryRecord[] }> {
  const path = shared(rel);
  assert.equal(zeekFormat.detect(basename(path), await headLines(path)), true, `${rel} is detected as Zeek`);
  const records: TelemetryRecord[] = [];
  const summary = await readTelemetry(path, zeekFormat, (b) => void records.push(...b));
  return { summary, records };
}

/** [lines, records, framing, rejected] */
const counts = (s: ReadSummary) => [s.lines, s.records, s.framing, s.rejected];
const ip = (s: string) => parseIp(s)!;
const queries = (rs: TelemetryRecord[], q: string) => (rs as DnsRecord[]).filter((r) => r.query === q).length;

test('Stratosphere 008: one day of labelled conn.log', { skip }, async () => {
  const { summary, records } = await read('datasets/stratosphere/008-zeek-mixed_data_conn.log.labeled');
  // wc -l: 5671 lines; 8 header lines, no #close; every data line has 23 tab columns.
  assert.deepEqual(counts(summary), [5671, 5663, 8, 0]);
  const flows = records as FlowRecord[];
  assert.ok(flows.every((f) => f.kind === 'flow'));
  // awk -F'\t' '{print $3}' | sort -u | wc -l
  assert.equal(new Set(flows.map((f) => f.src)).size, 1600);
  assert.equal(new Set(flows.map((f) => f.dst)).size, 163);
  assert.equal(flows.filter((f) => f.src === ip('147.32.81.167')).length, 1462);
  assert.equal(flows.filter((f) => f.dport === 5432).length, 8);
  assert.equal(flows.filter((f) => f.state === 'S0').length, 4080);
  assert.equal(flows.filter((f) => f.proto === 'icmp').length, 20);
  // Sum of orig_bytes (orig_ip_bytes when unset) and of resp_bytes (resp_ip_bytes when unset).
  assert.equal(flows.reduce((s, f) => s + (f.bytes ?? 0), 0), 5957514);
  assert.equal(flows.reduce((s, f) => s + (f.revBytes ?? 0), 0), 9107232);
  assert.equal(flows.filter((f) => f.te === undefined).length, 155);
  const first = flows[0]!;
  assert.deepEqual(
    [first.line, formatIp(first.src), first.sport, formatIp(first.dst), first.dport, first.proto, first.bytes, first.revBytes, first.packets, first.revPackets, first.state],
    [9, '147.32.81.167', 62771, '40.74.108.123', 443, 'tcp', 1596, 4039, 14, 16, 'SF'],
  );
  assert.equal(first.te! - first.ts, 1135);
  // The flow with the most orig_bytes: 49142 bytes over 900.209444 s.
  const biggest = flows.reduce((a, b) => ((b.bytes ?? 0) > (a.bytes ?? 0) ? b : a));
  assert.deepEqual([biggest.bytes, biggest.revBytes, formatIp(biggest.dst), Math.round(biggest.ts)], [49142, 5776, '162.125.19.130', 1655129920318]);
});

test('slips test10 conn.log (TSV, indented #separator, IPv6)', { skip }, async () => {
  const { summary, records } = await read('zeek/slips-test10-conn.tsv.log');
  // 150 lines: 8 header lines (the first one indented by a tab) and #close.
  assert.deepEqual(counts(summary), [150, 141, 9, 0]);
  const flows = records as FlowRecord[];
  // grep -v '^[[:space:]]*#' | awk -F'\t' '{print $3}' | sort -u | wc -l
  assert.equal(new Set(flows.map((f) => f.src)).size, 27);
  assert.equal(flows.filter((f) => formatIp(f.src).includes(':')).length, 74);
  assert.equal(flows.reduce((s, f) => s + (f.bytes ?? 0), 0), 134216);
  const first = flows[0]!;
  assert.deepEqual(
    [first.ts, formatIp(first.src), first.sport, formatIp(first.dst), first.dport, first.bytes, first.revBytes],
    [1601998366785.668, '2001:718:2:1663:dc58:6d9:ef13:51a5', 54170, '2001:718:2:1611:0:1:0:90', 53, 37, 77],
  );
});

test('slips test10 dns.log (TSV, mDNS without questions, escaped TXT answers)', { skip }, async () => {
  const { summary, records } = await read('zeek/slips-test10-dns.tsv.log');
  // 93 data lines, 8 of them with query unset (mDNS answers): skipped as framing.
  assert.deepEqual(counts(summary), [102, 85, 17, 0]);
  assert.equal(new Set((records as DnsRecord[]).map((r) => r.client)).size, 20);
  assert.equal(queries(records, 'webflow.local'), 8);
  const txt = (records as DnsRecord[]).find((r) => r.line === 21)!;
  assert.equal(txt.query, 'samsung m267x 287x series (sec842519711a42)._ipp._tcp.local');
  assert.equal(txt.answers?.length, 1);
  assert.ok(txt.answers![0]!.includes('pdl=application/octet-stream,application/PCL'));
  assert.ok(txt.answers![0]!.includes('\\x00'), 'unprintable bytes stay escaped');
});

test('slips test9 conn.log (JSON, flat keys, relative times)', { skip }, async () => {
  const { summary, records } = await read('zeek/slips-test9-conn.json.log');
  assert.deepEqual(counts(summary), [576, 576, 0, 0]);
  const flows = records as FlowRecord[];
  assert.equal(new Set(flows.map((f) => f.src)).size, 6);
  assert.equal(flows.filter((f) => formatIp(f.src).includes(':')).length, 16);
  // jq: [.[] | .orig_bytes // .orig_ip_bytes] | add
  assert.equal(flows.reduce((s, f) => s + (f.bytes ?? 0), 0), 727924);
  // This capture's ts are seconds since its start (18.8 s .. 272.3 s), read as given.
  assert.deepEqual([flows[0]!.ts, formatIp(flows[0]!.src), flows[0]!.dport, flows[0]!.bytes], [22335.172, 'fe80::1cf4:44d2:904a:14f7', 5355, 50]);
});

test('slips test9 dns.log (JSON)', { skip }, async () => {
  const { summary, records } = await read('zeek/slips-test9-dns.json.log');
  assert.deepEqual(counts(summary), [239, 239, 0, 0]);
  assert.equal(queries(records, 'wpad.felk.cvut.cz'), 18);
  // 3 written "SUXXNUDUZNZTT" and 4 "suxxnuduznztt": one name once lower-cased.
  assert.equal(queries(records, 'suxxnuduznztt'), 7);
  assert.equal((records as DnsRecord[])[0]!.query, 'isatap.felk.cvut.cz');
  const answered = (records as DnsRecord[]).filter((r) => r.answers);
  assert.deepEqual([answered.length, answered.reduce((s, r) => s + r.answers!.length, 0)], [182, 597]);
});

test('brim wrccdc dns: the TSV and the NDJSON export give the same records', { skip }, async () => {
  const tsv = await read('zeek/brim-wrccdc2018-dns.head500.log');
  const json = await read('zeek/brim-wrccdc2018-dns.head500.ndjson');
  assert.deepEqual(counts(tsv.summary), [508, 500, 8, 0]);
  assert.deepEqual(counts(json.summary), [500, 500, 0, 0]);
  assert.equal(queries(tsv.records, 'ise.wrccdc.org'), 198);
  assert.equal((tsv.records as DnsRecord[]).filter((r) => r.qtype === 'AAAA').length, 112);
  assert.equal((tsv.records as DnsRecord[]).reduce((s, r) => s + (r.answers?.length ?? 0), 0), 842);
  const key = (r: TelemetryRecord) => {
    const d = r as DnsRecord;
    return [Math.round(d.ts), d.client, d.server, d.query, d.qtype, d.answers];
  };
  assert.deepEqual(json.records.map(key), tsv.records.map(key));
  assert.deepEqual(key(json.records[0]!), [Date.UTC(2018, 2, 24, 17, 15, 20, 866), ip('10.47.1.100'), ip('10.0.0.100'), 'ise.wrccdc.org', 'A', ['ise.wrccdc.cpp.edu', '134.71.3.16']]);
});

test('logs we do not match on are claimed and read as framing only', { skip }, async () => {
  assert.deepEqual(counts((await read('zeek/brim-wrccdc2018-known_hosts.log')).summary), [262, 0, 262, 0]);
  assert.deepEqual(counts((await read('zeek/brim-wrccdc2018-notice.log')).summary), [216, 0, 216, 0]);
  assert.deepEqual(counts((await read('zeek/brim-wrccdc2018-software.log')).summary), [385, 0, 385, 0]);
  assert.deepEqual(counts((await read('zeek/slips-test9-notice.json.log')).summary), [18, 0, 18, 0]);
});

test('real dns.logs: the DuckDB fast path stores what the line reader stores', { skip }, async () => {
  // brim's sample is plain (the fast path takes it); the slips sample has lines without a
  // question, which the line reader skips, so it goes to the line reader either way.
  for (const [rel, fast] of [['zeek/brim-wrccdc2018-dns.head500.log', true], ['zeek/slips-test10-dns.tsv.log', undefined]] as const) {
    const out = [];
    for (const lineByLine of [false, true]) {
      const store = await openTestStore();
      const r = await ingestFile(store, shared(rel), { match: { graceMs: 86_400_000 }, lineByLine });
      assert.ok(r.status === 'imported');
      out.push({ fast: r.fast, counts: r.counts, rows: await store.db.all(`SELECT * EXCLUDE (import_id) FROM dns ORDER BY line`) });
      await store.close();
    }
    assert.equal(out[0]!.fast, fast, rel);
    assert.deepEqual(out[0]!.rows, out[1]!.rows, rel);
    assert.deepEqual(out[0]!.counts.records, out[1]!.counts.records, rel);
    assert.ok(out[0]!.rows.length > 80, rel);
  }
});
