// Tests for the nfdump CSV reader: every header style, summary block, broken rows, gzip, IPv6, detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIp } from '../core/ip.js';
import { tempDir } from '../../test/tmp.js';
import { nfdumpFormat, protoName } from './nfdump.js';
import { readTelemetry, type ReaderContext, type ReadSummary } from '../core/reader.js';
import type { FlowRecord, TelemetryRecord } from '../core/model/telemetry.js';

const dir = tempDir();
let n = 0;
async function readAll(text: string | Buffer, ctx: Partial<ReaderContext> = {}): Promise<{ s: ReadSummary; recs: FlowRecord[] }> {
  const path = join(dir, `nfdump-${++n}.csv`);
  writeFileSync(path, text);
  const recs: TelemetryRecord[] = [];
  const s = await readTelemetry(path, nfdumpFormat, (b) => void recs.push(...b), ctx);
  return { s, recs: recs as FlowRecord[] };
}
const ip = (s: string) => parseIp(s)!;
const rejected = (s: ReadSummary) => s.examples.map((e) => [e.line, e.field]);

// nfdump 1.6 fixed `-o csv`: 15 flow columns, then 33 extension columns we do not read.
const HEADER_16 =
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,' +
  'ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';
const MAC = '00:00:00:00:00:00';
const TAIL_16 = [
  '2,3,64500,64501,24,24,0,0,0.0.0.0,0.0.0.0,0,0', MAC, MAC, MAC, MAC, ...Array(10).fill('0-0-0'),
  '    0.000', '    0.000', '    0.000', '192.0.2.254,0/0,1,2024-06-01 12:00:05.000',
].join(',');
const row16 = (flow: string) => `${flow},${TAIL_16}`;

test('1.6 fixed header: fields by name, obyt ignored, summary block is framing', async () => {
  assert.equal(HEADER_16.split(',').length, 48);
  assert.equal(row16('a,b,c,d,e,f,g,h,i,j,k,l,m,n,o').split(',').length, 48);
  const { s, recs } = await readAll(
    [
      HEADER_16,
      row16('2024-06-01 12:00:00,2024-06-01 12:00:04,4.250,192.0.2.10,198.51.100.7,51514,23,TCP,.AP.SF,0,0,10,1.2 K,5,400'),
      row16('2024-06-01 12:00:01,2024-06-01 12:00:01,0.000,2001:db8::10,2001:db8:ffff::53,40000,53,UDP,......,0,0,1,71,0,0'),
      row16('2024-06-01 12:00:02,2024-06-01 12:00:02,0.000,192.0.2.10,203.0.113.9,0,771,ICMP,......,0,0,1,56,0,0'),
      'Summary',
      'flows,bytes,packets,avg_bps,avg_pps,avg_bpp',
      '3,1327,12,0,0,110',
    ].join('\n') + '\n',
  );
  assert.deepEqual([s.lines, s.records, s.framing, s.rejected], [7, 3, 4, 0]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: Date.UTC(2024, 5, 1, 12, 0, 0), te: Date.UTC(2024, 5, 1, 12, 0, 4),
    src: ip('192.0.2.10'), dst: ip('198.51.100.7'), sport: 51514, dport: 23, proto: 'tcp',
    bytes: 1200, packets: 10, state: '.AP.SF', line: 2,
  });
  assert.equal(recs[0]!.revBytes, undefined, 'obyt is not a reverse direction');
  assert.deepEqual([recs[1]!.src, recs[1]!.dst, recs[1]!.proto, recs[1]!.state], [ip('2001:db8::10'), ip('2001:db8:ffff::53'), 'udp', undefined]);
  assert.deepEqual([recs[2]!.proto, recs[2]!.dport], ['icmp', 771]);
});

test('1.6 broken rows are rejected with line and column name', async () => {
  const good = '2024-06-01 12:00:00,2024-06-01 12:00:04,4.250,192.0.2.10,198.51.100.7,51514,23,TCP,.AP.SF,0,0,10,1200,0,0';
  const { s, recs } = await readAll(
    [
      HEADER_16,
      row16(good.replace('192.0.2.10', '192.0.2.300')),
      row16(good.replace('2024-06-01 12:00:00', '2024-13-01 12:00:00')),
      row16(good.replace(',23,', ',70000,')),
      row16(good.replace(',1200,', ',lots,')),
      good, // cut short: 15 of 48 columns
      row16(good),
    ].join('\n'),
  );
  assert.deepEqual([s.records, s.framing, s.rejected], [1, 1, 5]);
  assert.deepEqual(rejected(s), [[2, 'sa'], [3, 'ts'], [4, 'dp'], [5, 'ibyt'], [6, undefined]]);
  assert.match(s.examples[4]!.reason, /expected 48 columns, found 15/);
  assert.equal(recs[0]!.line, 7);
});

test('1.7.5 -o csv: numeric protocols, ICMP type.code port, duration gives te, ctx.tz applies', async () => {
  const text = [
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    '2024-06-01 14:00:00.123,1.500,6,192.0.2.20,40001,198.51.100.80,80,7,2.5 M,1',
    '2024-06-01 14:00:01.000,0.000,1,192.0.2.20,0,198.51.100.80,3.1,1,84,1',
    '2024-06-01 14:00:02.000,0.000,58,2001:db8::1,0,2001:db8::2,128.0,1,64,1',
    '2024-06-01 14:00:03.000,0.000,47,192.0.2.20,0,198.51.100.80,0,3,300,1',
    '2024-06-01 14:00:04.000,0.000,6,192.0.2.20,1,198.51.100.80,3.1,1,40,1',
  ].join('\n');
  const { s, recs } = await readAll(text, { tz: '+02:00' });
  assert.deepEqual([s.records, s.framing, s.rejected], [4, 1, 1]);
  const t0 = Date.UTC(2024, 5, 1, 12, 0, 0, 123);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: t0, te: t0 + 1500, src: ip('192.0.2.20'), dst: ip('198.51.100.80'),
    sport: 40001, dport: 80, proto: 'tcp', bytes: 2_500_000, packets: 7, line: 2,
  });
  assert.deepEqual([recs[1]!.proto, recs[1]!.dport], ['icmp', undefined]);
  assert.deepEqual([recs[2]!.proto, recs[2]!.dport], ['ipv6-icmp', undefined]);
  assert.equal(recs[3]!.proto, 'gre');
  // "3.1" is only an ICMP type.code; on a TCP row it is a bad port.
  assert.deepEqual(rejected(s), [[6, 'dstPort']]);
});

test('csv-fast: epoch-millisecond times, af column, TCP flags as state', async () => {
  const { s, recs } = await readAll(
    [
      'cnt,af,firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,srcAS,dstAS,input,output,flags,srcTos,packets,bytes',
      '1,2,1717243200123,1717243201456,6,192.0.2.30,50000,203.0.113.5,2323,0,0,1,2,...A..S.,0,2,120',
      '2,10,1717243202000,1717243202000,17,2001:db8::30,5353,2001:db8::fb,5353,0,0,1,2,........,0,1,90',
      '3,2,0,0,6,192.0.2.30,50000,203.0.113.5,2323,0,0,1,2,........,0,1,60',
    ].join('\n'),
  );
  assert.deepEqual([s.records, s.framing, s.rejected], [2, 1, 1]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: 1717243200123, te: 1717243201456, src: ip('192.0.2.30'), dst: ip('203.0.113.5'),
    sport: 50000, dport: 2323, proto: 'tcp', bytes: 120, packets: 2, state: '...A..S.', line: 2,
  });
  assert.equal(recs[1]!.src, ip('2001:db8::30'));
  assert.deepEqual(rejected(s), [[4, 'firstSeen']], 'a zero time is no time');
});

test('csv:%… user formats: long names, raw epoch seconds, %-token headers, a re-header mid-file', async () => {
  const { s, recs } = await readAll(
    [
      'firstSeen,lastSeen,srcAddr,dstAddr,srcAS,dstAS',
      '2024-06-01 12:00:00.000,2024-06-01 12:00:09.000,192.0.2.40,198.51.100.40,64500,64501',
      'firstSeen,srcAddr,dstAddr,dstPort,bytes,packets',
      '1717243200.250,192.0.2.41,198.51.100.41,7547,3K,4',
      '%ts,%sa,%da,%pr',
      '2024-06-01 12:00:00,192.0.2.42,198.51.100.42,UDP',
    ].join('\n'),
  );
  assert.deepEqual([s.records, s.framing, s.rejected], [3, 3, 0]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: Date.UTC(2024, 5, 1, 12), te: Date.UTC(2024, 5, 1, 12, 0, 9),
    src: ip('192.0.2.40'), dst: ip('198.51.100.40'), line: 2,
  });
  assert.deepEqual([recs[1]!.ts, recs[1]!.dport, recs[1]!.bytes, recs[1]!.packets], [1717243200250, 7547, 3000, 4]);
  assert.deepEqual([recs[2]!.proto, recs[2]!.src], ['udp', ip('192.0.2.42')]);
});

test('a header without a time column and data before any header are rejected, not guessed', async () => {
  const { s } = await readAll(['192.0.2.1,192.0.2.2', 'srcAddr,dstAddr,bytes', '192.0.2.1,192.0.2.2,10'].join('\n'));
  assert.deepEqual([s.records, s.framing, s.rejected], [0, 1, 2]);
  assert.deepEqual(rejected(s), [[1, undefined], [3, 'firstSeen']]);
});

test('gzip input is read through readTelemetry', async () => {
  const text = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\n' +
    '2024-06-01 12:00:00.000,0.000,17,192.0.2.50,123,198.51.100.50,123,1,76,1\nSummary\n';
  const { s, recs } = await readAll(gzipSync(text));
  assert.deepEqual([s.records, s.framing, s.rejected], [1, 2, 0]);
  assert.equal(recs[0]!.src, ip('192.0.2.50'));
});

test('protoName: numbers and names to lower-case names', () => {
  assert.deepEqual(
    [6, '17', 'ICMP', 'ICMP6', 'ICMPv6', 58, 'IPv6-ICMP', 'GRE', '254', undefined, ''].map((v) => protoName(v)),
    ['tcp', 'udp', 'icmp', 'ipv6-icmp', 'ipv6-icmp', 'ipv6-icmp', 'ipv6-icmp', 'gre', '254', undefined, undefined],
  );
});

test('detection: nfdump headers yes; Argus, Zeek, Shadowserver, Suricata, GoFlow2 no', () => {
  const yes = [
    HEADER_16,
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    'cnt,af,firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,srcAS,dstAS,input,output,flags,srcTos,packets,bytes',
    'firstSeen,lastSeen,srcAddr,dstAddr,srcAS,dstAS',
  ];
  for (const h of yes) assert.ok(nfdumpFormat.detect('flows.csv', [h, 'x']), h);
  const no = [
    'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label',
    '#separator \\x09',
    '{"ts":1717243200.1,"uid":"C1","id.orig_h":"192.0.2.1","id.orig_p":1,"id.resp_h":"192.0.2.2","id.resp_p":2}',
    '"timestamp","ip","port","asn","geo"',
    '{"timestamp":"2024-06-01T12:00:00.000000+0000","event_type":"flow","src_ip":"192.0.2.1"}',
    '{"type":"SFLOW_5","time_received_ns":1,"src_addr":"192.0.2.1","dst_addr":"192.0.2.2"}',
    'ts,sa', // no destination column
    'ts,te,sa,da,foo,bar,baz,qux', // mostly not nfdump's columns
  ];
  for (const h of no) assert.ok(!nfdumpFormat.detect('flows.csv', [h]), h);
  assert.ok(!nfdumpFormat.detect('empty.csv', []));
});
