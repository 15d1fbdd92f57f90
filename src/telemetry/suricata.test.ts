// Tests for the Suricata EVE reader: each event type, DNS logging versions 1-3, framing, bad events, detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../core/ip.js';
import { tempDir } from '../../test/tmp.js';
import { readTelemetry, type ReadSummary } from '../core/reader.js';
import type { TelemetryRecord } from '../core/model/telemetry.js';
import { suricataFormat } from './suricata.js';

const dir = tempDir();
let n = 0;
async function readAll(events: (object | string)[]): Promise<{ s: ReadSummary; recs: TelemetryRecord[] }> {
  const path = join(dir, `eve-${++n}.json`);
  writeFileSync(path, events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n') + '\n');
  const recs: TelemetryRecord[] = [];
  const s = await readTelemetry(path, suricataFormat, (b) => void recs.push(...b));
  return { s, recs };
}
const ip = (s: string) => parseIp(s)!;
const TS = '2024-06-01T14:00:00.250000+0200';
const T = Date.UTC(2024, 5, 1, 12, 0, 0, 250);
// A client 192.0.2.10 talking to a server; every event starts from this.
const ev = (event_type: string, extra: object = {}, dport = 80) => ({
  timestamp: TS, flow_id: 1, event_type, src_ip: '192.0.2.10', src_port: 40000, dest_ip: '198.51.100.20', dest_port: dport, proto: 'TCP', ...extra,
});

test('flow, alert, tls and http events', async () => {
  const { s, recs } = await readAll([
    ev('flow', { flow: { pkts_toserver: 4, pkts_toclient: 3, bytes_toserver: 300, bytes_toclient: 2000,
      start: '2024-06-01T13:59:58.000000+0200', end: '2024-06-01T13:59:59.500000+0200', state: 'closed', reason: 'timeout' } }),
    ev('alert', { alert: { action: 'allowed', gid: 1, signature_id: 2024897, rev: 2, signature: 'ET MALWARE Mirai Variant CnC', category: 'A Network Trojan was detected', severity: 1 } }),
    ev('tls', { tls: { subject: 'CN=c2.example', issuerdn: 'CN=c2.example', fingerprint: '2D:D1:9F:80:99:86:FC:AC:5F:2A:2A:FD:A3:F3:7E:96:7C:DD:24:37',
      sni: 'C2.Example.', version: 'TLS 1.2', ja3: { hash: 'B7202231FF2DB28363C109CEDC6D1642', string: '771,...' } } }, 443),
    ev('http', { http: { hostname: 'Router.Example:8080', url: '/cgi-bin/luci', http_user_agent: 'Mozilla/5.0', http_method: 'POST',
      protocol: 'HTTP/1.1', status: 200, length: 5, response_headers: [{ name: 'Content-Type', value: 'text/html' }, { name: 'server', value: 'GoAhead-Webs' }] } }, 8080),
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [4, 0, 0]);
  assert.deepEqual(recs, [
    { kind: 'flow', ts: T - 2250, te: T - 750, src: ip('192.0.2.10'), dst: ip('198.51.100.20'), sport: 40000, dport: 80, proto: 'tcp',
      bytes: 300, packets: 4, revBytes: 2000, revPackets: 3, state: 'closed', line: 1 },
    { kind: 'alert', ts: T, src: ip('192.0.2.10'), dst: ip('198.51.100.20'), sport: 40000, dport: 80, proto: 'tcp',
      signature: 'ET MALWARE Mirai Variant CnC', signatureId: 2024897, category: 'A Network Trojan was detected', severity: 1, line: 2 },
    { kind: 'tls', ts: T, client: ip('192.0.2.10'), server: ip('198.51.100.20'), dport: 443, sni: 'c2.example',
      certSha1: '2dd19f809986fcac5f2a2afda3f37e967cdd2437', subject: 'CN=c2.example', issuer: 'CN=c2.example', ja3: 'b7202231ff2db28363c109cedc6d1642', line: 3 },
    { kind: 'http', ts: T, client: ip('192.0.2.10'), server: ip('198.51.100.20'), dport: 8080, host: 'router.example', uri: '/cgi-bin/luci',
      method: 'POST', userAgent: 'Mozilla/5.0', serverHeader: 'GoAhead-Webs', status: 200, line: 4 },
  ]);
});

test('DNS: v1 query and per-answer events, v2 detailed and grouped answers, v3 request and response', async () => {
  const dns = (d: object, src = '192.0.2.10', sport = 53000, dst = '192.0.2.1', dport = 53) =>
    ({ ...ev('dns', { dns: d }), src_ip: src, src_port: sport, dest_ip: dst, dest_port: dport, proto: 'UDP' });
  const { s, recs } = await readAll([
    dns({ type: 'query', id: 7, rrname: 'C2.Example.', rrtype: 'A', tx_id: 0 }),
    // v1 answers came from the server's side: one event per answer.
    dns({ type: 'answer', id: 7, rcode: 'NOERROR', rrname: 'c2.example', rrtype: 'A', ttl: 60, rdata: '203.0.113.66' }, '192.0.2.1', 53, '192.0.2.10', 53000),
    // v2 (Suricata 5-7) logs answers in the flow's direction: src is the client.
    dns({ version: 2, type: 'answer', id: 7, rrname: 'www.example', rrtype: 'A', rcode: 'NOERROR',
      answers: [{ rrname: 'www.example', rrtype: 'CNAME', ttl: 5, rdata: 'cdn.example' }, { rrname: 'cdn.example', rrtype: 'A', ttl: 5, rdata: '203.0.113.7' }] }),
    dns({ version: 2, type: 'answer', id: 8, rrname: 'grouped.example', rrtype: 'AAAA', rcode: 'NOERROR', grouped: { AAAA: ['2001:db8::7'], CNAME: ['x.example'] } }),
    dns({ version: 2, type: 'answer', id: 9, rrname: 'nx.example', rrtype: 'A', rcode: 'NXDOMAIN' }),
    dns({ version: 3, type: 'request', id: 10, queries: [{ rrname: 'a.example', rrtype: 'A' }, { rrname: 'b.example', rrtype: 'TXT' }] }),
    // v3 (Suricata 8) responses: src is the responder; here on a non-standard port, so the type decides.
    dns({ version: 3, type: 'response', id: 11, queries: [{ rrname: 'c.example', rrtype: 'A' }], answers: [{ rrname: 'c.example', rrtype: 'A', rdata: '203.0.113.9' }] },
      '192.0.2.1', 5300, '192.0.2.10', 5301),
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [8, 0, 0]);
  const client = ip('192.0.2.10');
  const server = ip('192.0.2.1');
  const base = { kind: 'dns', ts: T, client, server };
  assert.deepEqual(recs, [
    { ...base, query: 'c2.example', qtype: 'A', line: 1 },
    { ...base, query: 'c2.example', qtype: 'A', answers: ['203.0.113.66'], line: 2 },
    { ...base, query: 'www.example', qtype: 'A', answers: ['cdn.example', '203.0.113.7'], line: 3 },
    { ...base, query: 'grouped.example', qtype: 'AAAA', answers: ['2001:db8::7', 'x.example'], line: 4 },
    { ...base, query: 'nx.example', qtype: 'A', line: 5 },
    { ...base, query: 'a.example', qtype: 'A', line: 6 },
    { ...base, query: 'b.example', qtype: 'TXT', line: 6 },
    { ...base, query: 'c.example', qtype: 'A', answers: ['203.0.113.9'], line: 7 },
  ]);
});

test('other event types are framing; bad events are rejected by JSON key', async () => {
  const { s } = await readAll([
    { timestamp: TS, event_type: 'stats', stats: { uptime: 10 } },
    ev('fileinfo', { fileinfo: { filename: '/x' } }),
    ev('anomaly', { anomaly: { type: 'decode' } }),
    ev('netflow', { netflow: { pkts: 1 } }),
    { timestamp: TS, src_ip: '192.0.2.10', dest_ip: '198.51.100.20' },
    { ...ev('flow', { flow: {} }), src_ip: '192.0.2.256' },
    { ...ev('alert', { alert: { signature: 'x' } }), timestamp: 'Sunday' },
    { ...ev('alert', { alert: { signature: 'x' } }), dest_port: 70000 },
    ev('alert', { alert: { signature_id: 1 } }),
    ev('tls', { tls: { fingerprint: 'not:a:hash' } }),
    ev('dns', { dns: { type: 'query', rrtype: 'A' } }),
    ev('dns', { dns: { version: 3, type: 'request', queries: [{ rrtype: 'A' }] } }),
    ev('http', {}),
    ev('flow', { flow: { start: 'later' } }),
    '{"event_type": "flow", ',
  ]);
  assert.deepEqual([s.records, s.framing, s.rejected], [0, 4, 11]);
  assert.deepEqual(s.examples.map((e) => [e.line, e.field]), [
    [5, 'event_type'], [6, 'src_ip'], [7, 'timestamp'], [8, 'dest_port'], [9, 'alert.signature'], [10, 'tls.fingerprint'],
    [11, 'dns.rrname'], [12, 'dns.queries[0].rrname'], [13, 'http'], [14, 'flow.start'],
  ]);
});

test('detection: EVE lines only', () => {
  assert.ok(suricataFormat.detect('eve.json', [JSON.stringify(ev('flow'))]));
  assert.ok(suricataFormat.detect('eve.json', ['{"timestamp":"2024-06-01T12:00:00.000000+0000","event_type":"stats","stats":{}}']));
  for (const l of [
    '{"ts":1717243200.1,"uid":"C1","id.orig_h":"192.0.2.1","id.orig_p":1,"id.resp_h":"192.0.2.2","id.resp_p":2}',
    '{"type":"SFLOW_5","time_received_ns":1,"src_addr":"192.0.2.1","dst_addr":"192.0.2.2"}',
    '{"event_type":"flow"}', // no timestamp
    '#separator \\x09',
    '"timestamp","ip","port"',
    '{"event_type": broken',
  ])
    assert.ok(!suricataFormat.detect('eve.json', [l]), l);
});
