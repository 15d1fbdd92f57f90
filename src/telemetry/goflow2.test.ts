// Tests for the GoFlow2 reader: both key generations, base64 addresses, time units, bad lines, detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../core/ip.js';
import { tempDir } from '../../test/tmp.js';
import { goflow2Format } from './goflow2.js';
import { readTelemetry, type ReadSummary } from '../core/reader.js';
import type { FlowRecord, TelemetryRecord } from '../core/model/telemetry.js';

const dir = tempDir();
let n = 0;
async function readAll(lines: string[]): Promise<{ s: ReadSummary; recs: FlowRecord[] }> {
  const path = join(dir, `goflow-${++n}.jsonl`);
  writeFileSync(path, lines.join('\n') + '\n');
  const recs: TelemetryRecord[] = [];
  const s = await readTelemetry(path, goflow2Format, (b) => void recs.push(...b));
  return { s, recs: recs as FlowRecord[] };
}
const ip = (s: string) => parseIp(s)!;
const T = 1717243200123; // 2024-06-01T12:00:00.123Z

test('GoFlow2 v2 snake_case: nanosecond times, text addresses, protocol name or number', async () => {
  const { s, recs } = await readAll([
    JSON.stringify({ type: 'NETFLOW_V9', time_received_ns: (T + 5000) * 1e6, time_flow_start_ns: T * 1e6, time_flow_end_ns: (T + 2000) * 1e6,
      bytes: 4200, packets: 7, src_addr: '192.0.2.10', dst_addr: '198.51.100.23', etype: 'IPv4', proto: 'TCP', src_port: 40000, dst_port: 23 }),
    JSON.stringify({ type: 'SFLOW_5', time_received_ns: T * 1e6, time_flow_start_ns: T * 1e6, bytes: 90, packets: 1,
      src_addr: '2001:db8::1', dst_addr: '2001:db8::35', etype: 'IPv6', proto: 17, src_port: 5353, dst_port: 53 }),
    JSON.stringify({ time_received_ns: T * 1e6, time_flow_start_ns: 0, src_addr: '192.0.2.10', dst_addr: '192.0.2.11', proto: 'ICMPv6' }),
    JSON.stringify({ time_received_ns: T * 1e6, src_addr: '192.0.2.10', dst_addr: '192.0.2.11', proto: '' }),
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [4, 0, 0]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: T, te: T + 2000, src: ip('192.0.2.10'), dst: ip('198.51.100.23'),
    sport: 40000, dport: 23, proto: 'tcp', bytes: 4200, packets: 7, line: 1,
  });
  assert.deepEqual([recs[1]!.src, recs[1]!.dst, recs[1]!.proto], [ip('2001:db8::1'), ip('2001:db8::35'), 'udp']);
  // A zero flow start (sFlow, NetFlow v5 without times) falls back to the receive time.
  assert.deepEqual([recs[2]!.ts, recs[2]!.proto], [T, 'ipv6-icmp']);
  assert.equal(recs[3]!.proto, undefined, 'GoFlow2 renders unknown protocols as ""');
});

test('goflow v1 / protobuf JSON: PascalCase keys, base64 addresses, uint64 as strings, second times', async () => {
  const { s, recs } = await readAll([
    JSON.stringify({ Type: 'NETFLOW_V5', TimeReceived: '1717243205', TimeFlowStart: '1717243200', TimeFlowEnd: '1717243201',
      Bytes: '1500', Packets: '3', SrcAddr: 'wAACAQ==', DstAddr: 'xjNkAg==', Proto: 6, SrcPort: 1024, DstPort: 7547 }),
    JSON.stringify({ TimeReceived: 1717243205, TimeFlowStartMs: 1717243200500, SrcAddr: 'IAENuAAAAAAAAAAAAAAAAQ==', DstAddr: '2001:db8::2', Proto: 58 }),
    JSON.stringify({ timeReceivedNs: String(T * 1e6), srcAddr: '192.0.2.7', dstAddr: '192.0.2.8', srcPort: 1, dstPort: 2, proto: 17 }),
  ]);
  assert.deepEqual([s.records, s.rejected], [3, 0]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: 1717243200000, te: 1717243201000, src: ip('192.0.2.1'), dst: ip('198.51.100.2'),
    sport: 1024, dport: 7547, proto: 'tcp', bytes: 1500, packets: 3, line: 1,
  });
  assert.deepEqual([recs[1]!.ts, recs[1]!.src, recs[1]!.dst], [1717243200500, ip('2001:db8::1'), ip('2001:db8::2')]);
  assert.deepEqual([recs[2]!.ts, recs[2]!.src, recs[2]!.proto], [T, ip('192.0.2.7'), 'udp']);
});

test('rendered RFC 3339 times are read as date-times', async () => {
  const { recs } = await readAll([
    JSON.stringify({ time_received_ns: '2024-06-01T12:00:05Z', time_flow_start_ns: '2024-06-01T12:00:00.123456789Z', src_addr: '192.0.2.1', dst_addr: '192.0.2.2' }),
  ]);
  assert.equal(Math.round(recs[0]!.ts), T);
});

test('non-IP samples are framing; bad address, port, time and JSON are rejected by key', async () => {
  const ok = { time_flow_start_ns: T * 1e6, src_addr: '192.0.2.1', dst_addr: '192.0.2.2', src_port: 1, dst_port: 2 };
  const { s, recs } = await readAll([
    JSON.stringify({ time_received_ns: T * 1e6, etype: 'ARP', src_addr: '', dst_addr: '', proto: '' }),
    JSON.stringify({ ...ok, src_addr: '192.0.2.999' }),
    JSON.stringify({ ...ok, dst_port: 65536 }),
    JSON.stringify({ ...ok, time_flow_start_ns: 'yesterday' }),
    JSON.stringify({ ...ok, dst_addr: '' }),
    JSON.stringify({ src_addr: '192.0.2.1', dst_addr: '192.0.2.2' }),
    JSON.stringify({ ...ok, src_addr: 'AAECAwQF' }), // base64 of 6 bytes: no address
    '{"time_flow_start_ns": 1, ',
    JSON.stringify(ok),
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [1, 1, 7]);
  assert.deepEqual(
    s.examples.map((e) => [e.line, e.field]),
    [[2, 'src_addr'], [3, 'dst_port'], [4, 'time_flow_start_ns'], [5, 'dst_addr'], [6, 'time_flow_start_ns'], [7, 'src_addr'], [8, undefined]],
  );
  assert.equal(recs[0]!.line, 9);
});

test('detection: GoFlow2 keys of either generation; not Zeek, Suricata, CSV', () => {
  for (const l of [
    '{"type":"SFLOW_5","time_received_ns":1681583295157626000,"src_addr":"fd01::1","dst_addr":"fd01::2"}',
    '{"Type":"NETFLOW_V5","TimeReceived":"1717243205","SrcAddr":"wAACAQ==","DstAddr":"xjNkAg=="}',
    '{"timeFlowStartNs":"1","srcAddr":"192.0.2.1","dstAddr":"192.0.2.2"}',
  ])
    assert.ok(goflow2Format.detect('flows.json', [l]), l);
  for (const l of [
    '{"ts":1717243200.1,"uid":"C1","id.orig_h":"192.0.2.1","id.orig_p":1,"id.resp_h":"192.0.2.2","id.resp_p":2}',
    '{"timestamp":"2024-06-01T12:00:00+0000","event_type":"flow","src_ip":"192.0.2.1","dest_ip":"192.0.2.2"}',
    '{"src_addr":"192.0.2.1","dst_addr":"192.0.2.2"}', // no GoFlow time key
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    '#separator \\x09',
    '{not json',
  ])
    assert.ok(!goflow2Format.detect('flows.json', [l]), l);
});
