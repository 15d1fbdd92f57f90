// Real-data suite for the flow and Suricata readers: every file in ../shared/data/flows through its
// reader, with counts established independently (wc, awk, jq) and a few spot values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIp } from '../core/ip.js';
import { haveShared, shared } from '../../test/shared.js';
import { argusFormat } from './argus.js';
import { goflow2Format } from './goflow2.js';
import { nfdumpFormat } from './nfdump.js';
import { headLines, readTelemetry, type TelemetryFormat } from '../core/reader.js';
import type { DnsRecord, FlowRecord, TelemetryRecord, TlsRecord } from '../core/model/telemetry.js';
import { suricataFormat } from './suricata.js';

const skip = !haveShared && 'no ../shared/data';
const ALL = [nfdumpFormat, goflow2Format, argusFormat, suricataFormat];
const ip = (s: string) => parseIp(s)!;

async function readReal(rel: string, format: TelemetryFormat) {
  const path = shared(rel);
  const head = await headLines(path);
  const claimed = ALL.filter((f) => f.detect(rel.split('/').pop()!, head)).map((f) => f.name);
  const recs: TelemetryRecord[] = [];
  const s = await readTelemetry(path, format, (b) => void recs.push(...b));
  return { s, recs, claimed };
}
const counts = (recs: { kind: string }[], key: (r: never) => string = (r: { kind: string }) => r.kind) => {
  const out: Record<string, number> = {};
  for (const r of recs) out[key(r as never)] = (out[key(r as never)] ?? 0) + 1;
  return out;
};

test('goflow2-sample.jsonl: one IPv6 sFlow record', { skip }, async () => {
  const { s, recs, claimed } = await readReal('flows/goflow2-sample.jsonl', goflow2Format);
  assert.deepEqual(claimed, ['goflow2']);
  assert.deepEqual([s.lines, s.records, s.framing, s.rejected], [1, 1, 0, 0]);
  assert.deepEqual(recs[0], {
    kind: 'flow', ts: 1681583295157.626, te: 1681583295157.626, src: ip('fd01::1'), dst: ip('fd01::2'),
    sport: 443, dport: 50001, proto: 'tcp', bytes: 1500, packets: 1, line: 1,
  });
});

test('test4-malicious.binetflow: 394 flows, comma CTU header', { skip }, async () => {
  const { s, recs, claimed } = await readReal('flows/test4-malicious.binetflow', argusFormat);
  assert.deepEqual(claimed, ['argus']);
  assert.deepEqual([s.lines, s.records, s.framing, s.rejected], [395, 394, 1, 0]);
  const flows = recs as FlowRecord[];
  assert.deepEqual(counts(flows, (r: FlowRecord) => r.proto!), { tcp: 220, udp: 170, icmp: 2, arp: 2 });
  // Packets are only known when all bytes went one way (TotBytes == SrcBytes or SrcBytes == 0).
  assert.equal(flows.filter((r) => r.packets !== undefined).length, 272);
  const first = flows[0]!;
  assert.deepEqual(
    [Math.round(first.ts), first.src, first.dst, first.sport, first.dport, first.bytes, first.revBytes, first.state],
    [Date.UTC(2018, 8, 27, 22, 40, 52, 363), ip('192.168.2.1'), ip('192.168.2.12'), 52893, 22, 1224, 2542, 'CON'],
  );
  const icmp = flows.find((r) => r.line === 59)!;
  assert.deepEqual([icmp.proto, icmp.sport, icmp.dport, icmp.src], ['icmp', 3, 3, ip('5.202.176.1')]);
});

test('test5-mixed.binetflow: tab file, man and LLC rows are framing, every flow has both packet counts', { skip }, async () => {
  const { s, recs, claimed } = await readReal('flows/test5-mixed.binetflow', argusFormat);
  assert.deepEqual(claimed, ['argus']);
  assert.deepEqual([s.lines, s.records, s.framing, s.rejected], [301, 298, 3, 0]);
  const flows = recs as FlowRecord[];
  assert.deepEqual(counts(flows, (r: FlowRecord) => r.proto!), { tcp: 81, udp: 211, arp: 2, icmp: 1, 'ipv6-icmp': 3 });
  assert.equal(flows.filter((r) => r.revPackets !== undefined).length, 298);
  const icmp = flows.find((r) => r.line === 88)!;
  assert.deepEqual([icmp.sport, icmp.dport, icmp.dst], [0x0303, 0x0ecc, ip('8.8.4.4')]);
  const nd = flows.find((r) => r.line === 9)!;
  assert.deepEqual([nd.src, nd.dst, nd.sport, nd.state], [ip('::'), ip('ff02::1:ffdd:53e7'), 135, 'NNS']);
});

test('test6-malicious.suricata.head200.json: 106 alerts, 88 DNS, 5 flows, 1 TLS', { skip }, async () => {
  const { s, recs, claimed } = await readReal('flows/test6-malicious.suricata.head200.json', suricataFormat);
  assert.deepEqual(claimed, ['suricata']);
  assert.deepEqual([s.lines, s.records, s.framing, s.rejected], [200, 200, 0, 0]);
  assert.deepEqual(counts(recs), { alert: 106, dns: 88, flow: 5, tls: 1 });
  const dns = recs.filter((r): r is DnsRecord => r.kind === 'dns');
  // v2 answer events keep the client as src_ip: every lookup is 192.168.1.129 asking 192.168.1.1.
  assert.ok(dns.every((r) => r.client === ip('192.168.1.129') && r.server === ip('192.168.1.1')));
  assert.equal(dns.filter((r) => r.answers).length, 44);
  assert.deepEqual(dns.find((r) => r.answers && r.query === 'www.myedimax.com')!.answers, ['ddns.myedimax.com', 'ns.myedimax.com', '122.248.252.67']);
  const tls = recs.find((r): r is TlsRecord => r.kind === 'tls')!;
  assert.deepEqual([tls.line, tls.sni, tls.certSha1, tls.dport], [113, 'www.myedimax.com', '2dd19f809986fcac5f2a2afda3f37e967cdd2437', 55443]);
  const flows = recs.filter((r): r is FlowRecord => r.kind === 'flow');
  assert.deepEqual(counts(flows, (r: FlowRecord) => r.state!), { new: 3, closed: 2 });
  assert.equal(counts(recs.filter((r) => r.kind === 'alert'), (r: { signatureId: number }) => String(r.signatureId))['2010935'], 19);
});

test('nfdump detection on every header variant in nfdump-csv-headers.txt and every tag name', { skip }, () => {
  const lines = readFileSync(shared('flows/nfdump-csv-headers.txt'), 'utf8').split('\n');
  const headers = lines.filter((l) => l.trim() !== '' && !l.startsWith('#'));
  // The user-format example is given in a comment: the token string and the header it produces.
  const user = lines.find((l) => l.includes("'csv:%"))!;
  headers.push(/\(([^)]+)\)/.exec(user)![1]!, /csv:([^']+)'/.exec(user)![1]!);
  assert.equal(headers.length, 5);
  for (const h of headers) {
    assert.ok(nfdumpFormat.detect('flows.csv', [h]), h);
    for (const other of [goflow2Format, argusFormat, suricataFormat]) assert.ok(!other.detect('flows.csv', [h]), `${other.name}: ${h}`);
  }
  // Every documented token, short or long, is a column nfdump's reader knows.
  const tags = readFileSync(shared('flows/nfdump-csv-tag-names.txt'), 'utf8').split('\n').filter((l) => l.startsWith('%'));
  assert.equal(tags.length, 67);
  const short = tags.map((l) => l.split(' -> ')[0]!);
  const long = tags.map((l) => l.split(' -> ')[1]!.trim());
  assert.ok(nfdumpFormat.detect('x.csv', [short.join(',')]));
  assert.ok(nfdumpFormat.detect('x.csv', [long.join(',')]));
  // With three columns one unknown name is a third of the header, enough to fail detection.
  for (const name of long) assert.ok(nfdumpFormat.detect('x.csv', [`${name},srcAddr,dstAddr`]), name);
  for (const token of short) assert.ok(nfdumpFormat.detect('x.csv', [`${token},%sa,%da`]), token);
  assert.ok(!nfdumpFormat.detect('x.csv', ['notAColumn,srcAddr,dstAddr']));
});
