// Passive rows as services: which side of HTTP and TLS each record describes, folded counts kept,
// and report rows that say nothing about a device left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import type { PassiveRecord } from './store-types.js';
import { fromHttpClient, fromTlsClient } from './from-telemetry.js';
import { passiveServices } from './passive.js';

const client = parseIp('192.0.2.5')!;
const server = parseIp('198.51.100.9')!;
const fold = { lastTs: 9_000, events: 3, line: 7 };

test('HTTP and TLS clients are identified by User-Agent and SNI, servers by header and certificate', () => {
  assert.deepEqual(fromHttpClient({ kind: 'http', ts: 1, client, server, userAgent: 'Mikrotik/6.x Fetch' }, 'zeek-http'), {
    ts: 1, ip: client, transport: 'tcp', protocol: 'http-client', source: 'zeek-http', banners: { 'http_header.user_agent': 'Mikrotik/6.x Fetch' },
  });
  assert.equal(fromHttpClient({ kind: 'http', ts: 1, client, server }, 'zeek-http'), undefined);
  assert.deepEqual(fromTlsClient({ kind: 'tls', ts: 1, client, server, sni: 'upgrade.mikrotik.com' }, 'zeek-tls')?.banners, { 'tls.sni': 'upgrade.mikrotik.com' });
  assert.equal(fromTlsClient({ kind: 'tls', ts: 1, client, server }, 'zeek-tls'), undefined);
});

test('folded passive records become services with their span, size and first line', () => {
  const records: PassiveRecord[] = [
    { kind: 'http', ts: 1_000, client, server, dport: 8080, serverHeader: 'App-webs/', ...fold },
    { kind: 'http', ts: 1_000, client, server, userAgent: 'Mikrotik/7.x Fetch', ...fold },
    { kind: 'tls', ts: 1_000, client, server, dport: 443, certSha256: 'AB'.repeat(32), subject: 'CN=router.asus.com', ...fold },
    { kind: 'tls', ts: 1_000, client, server, sni: 'update.qnap.com', ...fold },
    { kind: 'report', ts: 1_000, ip: server, reportType: 'event4_sinkhole', compromised: true, family: 'mirai', extra: {}, ...fold },
    { kind: 'report', ts: 1_000, ip: server, reportType: 'event4_sinkhole', compromised: true, deviceId: 'SN123', extra: {}, ...fold },
  ];
  const out = passiveServices('suricata', records);
  assert.deepEqual(
    out.map((o) => [o.protocol, o.source, o.ip === client ? 'client' : 'server', Object.keys(o.banners).join(), o.lastTs, o.events, o.line]),
    [
      ['http', 'suricata-http', 'server', 'http_header.server', 9_000, 3, 7],
      ['http-client', 'suricata-http', 'client', 'http_header.user_agent', 9_000, 3, 7],
      ['tls', 'suricata-tls', 'server', 'x509.subject', 9_000, 3, 7],
      ['tls-client', 'suricata-tls', 'client', 'tls.sni', 9_000, 3, 7],
      ['event4_sinkhole', 'suricata', 'server', '', 9_000, 3, 7],
    ],
    'a sinkhole row without device fields describes no device; one with a device id does',
  );
  assert.equal(out[2]!.certSha256, 'ab'.repeat(32));
  assert.equal(out[4]!.deviceIdHint, 'SN123');
});
