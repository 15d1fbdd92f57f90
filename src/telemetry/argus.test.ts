// Tests for the Argus binetflow reader: directions, byte/packet splits, hex ports, tab files, framing, bad lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../core/ip.js';
import { tempDir } from '../../test/tmp.js';
import { argusFormat } from './argus.js';
import { readTelemetry, type ReaderContext, type ReadSummary } from '../core/reader.js';
import type { FlowRecord, TelemetryRecord } from '../core/model/telemetry.js';

const dir = tempDir();
let n = 0;
async function readAll(lines: string[], ctx: Partial<ReaderContext> = {}): Promise<{ s: ReadSummary; recs: FlowRecord[] }> {
  const path = join(dir, `argus-${++n}.binetflow`);
  writeFileSync(path, lines.join('\n') + '\n');
  const recs: TelemetryRecord[] = [];
  const s = await readTelemetry(path, argusFormat, (b) => void recs.push(...b), ctx);
  return { s, recs: recs as FlowRecord[] };
}
const ip = (s: string) => parseIp(s)!;
const CTU = 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label';
const T = Date.UTC(2011, 7, 16, 10, 1, 46) + 972.101; // microseconds survive as a fraction
const near = (a: number | undefined, b: number) => assert.ok(a !== undefined && Math.abs(a - b) < 1e-3, `${a} != ${b}`);

test('CTU comma file: bytes split from SrcBytes, "<-" swaps the ends, hex ports, Label ignored', async () => {
  const { s, recs } = await readAll([
    CTU,
    '2011/08/16 10:01:46.972101,1.026539,tcp,192.0.2.5,1027,   <->,198.51.100.9,6667,FSPA_FSPA,0,0,12,1800,600,flow=From-Botnet-V42-TCP-CC',
    '2011/08/16 10:01:47.000000,0.000000,udp,192.0.2.5,53,    <-,198.51.100.53,40000,INT,0,,3,300,100,flow=Background',
    '2011/08/16 10:01:48.000000,2.5,icmp,192.0.2.5,0x0303,   ->,203.0.113.1,0x0ecc,URP,0,,2,200,200,flow=Background',
    '2011/08/16 10:01:49.000000,0.5,arp,192.0.2.5,,  who,192.0.2.1,,CON,,,2,120,60,',
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [4, 1, 0]);
  const { ts, te, ...rest } = recs[0]!;
  near(ts, T);
  near(te, T + 1026.539);
  assert.deepEqual(rest, {
    kind: 'flow', src: ip('192.0.2.5'), dst: ip('198.51.100.9'),
    sport: 1027, dport: 6667, proto: 'tcp', bytes: 600, revBytes: 1200, state: 'FSPA_FSPA', line: 2,
  });
  assert.equal(recs[0]!.packets, undefined, 'packets are not derivable from TotPkts alone');
  // "<-": the listed destination sent; the record turns it round.
  const r = recs[1]!;
  assert.deepEqual([r.src, r.dst, r.sport, r.dport, r.bytes, r.revBytes], [ip('198.51.100.53'), ip('192.0.2.5'), 40000, 53, 200, 100]);
  // All bytes one way: packets are then known too. Hex ports read as numbers.
  assert.deepEqual([recs[2]!.sport, recs[2]!.dport, recs[2]!.packets, recs[2]!.revPackets, recs[2]!.revBytes], [0x0303, 0x0ecc, 2, 0, 0]);
  assert.deepEqual([recs[3]!.proto, recs[3]!.sport, recs[3]!.dport, recs[3]!.state], ['arp', undefined, undefined, 'CON']);
});

test('tab-separated file with SrcPkts; Argus management and MAC-only rows are framing; IPv6; ctx.tz', async () => {
  const TAB = ['StartTime', 'Dur', 'Proto', 'SrcAddr', 'Sport', 'Dir', 'DstAddr', 'Dport', 'State', 'sTos', 'dTos', 'TotPkts', 'TotBytes', 'SrcBytes', 'SrcPkts', 'Label'];
  const row = (...c: string[]) => c.join('\t');
  const { s, recs } = await readAll(
    [
      TAB.join('\t'),
      row('2018/05/10 10:52:47.283479', '0.045010', 'man', '0', '0', '', '0', '0', 'STA', '', '', '0', '0', '0', '0', ''),
      row('2018/05/10 10:52:48.000000', '0.000000', 'llc', '00:00:00:00:00:01', '0', '   ->', '00:00:00:00:00:02', '0', 'INT', '', '', '1', '60', '60', '1', ''),
      row('2018/05/10 10:52:49.000000', '3.000000', 'udp', '2001:db8::5', '5353', '  <->', '2001:db8::53', '53', 'CON', '0', '0', '5', '500', '200', '2', ''),
      row('2018/05/10 10:52:50.000000', '0.000000', 'ipv6-icmp', 'fe80::1', '135', '   ->', 'ff02::1:ff00:1', '0', 'NNS', '0', '', '1', '78', '78', '1', ''),
    ],
    { tz: '+02:00' },
  );
  assert.deepEqual([s.records, s.framing, s.rejected], [2, 3, 0]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: Date.UTC(2018, 4, 10, 8, 52, 49), te: Date.UTC(2018, 4, 10, 8, 52, 52), src: ip('2001:db8::5'), dst: ip('2001:db8::53'),
    sport: 5353, dport: 53, proto: 'udp', bytes: 200, packets: 2, revBytes: 300, revPackets: 3, state: 'CON', line: 4,
  });
  assert.deepEqual([recs[1]!.proto, recs[1]!.sport], ['ipv6-icmp', 135]);
});

test('broken rows are rejected with the column name', async () => {
  const good = '2011/08/16 10:01:46.972101,1.0,tcp,192.0.2.5,1027,   ->,198.51.100.9,23,S_,0,0,1,60,60,';
  const { s, recs } = await readAll([
    good, // before the header
    CTU,
    good.replace('192.0.2.5', '192.0.2.500'),
    good.replace('2011/08/16 10:01:46.972101', '16/08/2011 10:01'),
    good.replace(',23,', ',telnet,'),
    good.replace(',1,60,60,', ',1,60,90,'),
    good.replace(',1.0,', ',soon,'),
    good.replace(',', ';'),
    good,
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [1, 1, 7]);
  assert.deepEqual(
    s.examples.map((e) => [e.line, e.field]),
    [[1, undefined], [3, 'SrcAddr'], [4, 'StartTime'], [5, 'Dport'], [6, 'TotBytes'], [7, 'Dur'], [8, undefined]],
  );
  assert.equal(recs[0]!.line, 9);
});

test('detection: Argus headers (comma, tab, ra aliases) only', () => {
  for (const h of [CTU, CTU.replace(/,/g, '\t'), 'StartTime,Flgs,Proto,Saddr,Sport,Dir,Daddr,Dport,TotPkts,TotBytes,State'])
    assert.ok(argusFormat.detect('x.binetflow', [h]), h);
  for (const h of [
    'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt',
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    '#separator \\x09',
    '"timestamp","ip","port"',
    '{"timestamp":"2024-06-01T12:00:00+0000","event_type":"flow"}',
    'StartTime,Dur,Proto', // no addresses
  ])
    assert.ok(!argusFormat.detect('x.csv', [h]), h);
});
