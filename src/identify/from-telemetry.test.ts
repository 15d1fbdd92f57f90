// Passive records and Shadowserver rows as service observations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import type { ReportRecord } from '../core/model/telemetry.js';
import { fromHttpRecord, fromReportRecord, fromTlsRecord } from './from-telemetry.js';
import { identityKeys } from './identity.js';

const client = parseIp('10.0.0.5')!;
const server = parseIp('198.51.100.40')!;

test('HTTP and TLS records describe their server', () => {
  const h = fromHttpRecord({ kind: 'http', ts: 5, client, server, dport: 8080, serverHeader: 'App-webs/', userAgent: 'curl' }, 'zeek-http');
  assert.deepEqual(h, { ts: 5, ip: server, port: 8080, transport: 'tcp', protocol: 'http', source: 'zeek-http', banners: { 'http_header.server': 'App-webs/' } });
  assert.equal(fromHttpRecord({ kind: 'http', ts: 5, client, server }, 'zeek-http'), undefined);
  const t = fromTlsRecord({ kind: 'tls', ts: 6, client, server, dport: 443, certSha256: 'AB'.repeat(32), subject: 'CN=router.asus.com,O=ASUSTeK Computer Inc.,C=TW' }, 'zeek-ssl');
  assert.equal(t?.certSha256, 'ab'.repeat(32));
  assert.equal(t?.banners['x509.subject'], 'CN=router.asus.com,O=ASUSTeK Computer Inc.,C=TW');
  assert.equal(fromTlsRecord({ kind: 'tls', ts: 6, client, server }, 'zeek-ssl'), undefined);
});

function report(reportType: string, extra: Record<string, string>, more: Partial<ReportRecord> = {}): ReportRecord {
  return { kind: 'report', ts: 7, ip: server, port: 23, protocol: 'tcp', reportType, compromised: false, extra, ...more };
}

test('Shadowserver scan rows give banners, fingerprints and subjects', () => {
  const telnet = fromReportRecord(report('scan_telnet', { banner: '|MikroTik v6.5|Login:' }));
  assert.deepEqual([telnet.protocol, telnet.transport, telnet.banners], ['telnet', 'tcp', { 'telnet.banner': '\r\nMikroTik v6.5\r\nLogin:' }]);
  const ftp = fromReportRecord(report('scan_ftp', { banner: '220 FTP Server ready.|', sha256_fingerprint: 'CD'.repeat(32), subject_common_name: 'synology', subject_organization_name: 'Synology Inc.', subject_country: 'TW' }));
  assert.deepEqual(ftp.banners, { 'ftp.banner': 'FTP Server ready.', 'x509.subject': 'CN=synology,O=Synology Inc.,C=TW' });
  assert.equal(ftp.certSha256, 'cd'.repeat(32));
  const ssh = fromReportRecord(report('scan_ssh', { serverid_raw: 'SSH-2.0-ROSSSH', server_host_key_sha256: 'EF'.repeat(32) }, { port: 22 }));
  assert.deepEqual([ssh.protocol, ssh.banners['ssh.banner'], ssh.sshHostKeySha256], ['ssh', 'ROSSSH', 'ef'.repeat(32)]);
  const http = fromReportRecord(report('scan_http', { server: 'http server 1.0', www_authenticate: '' }));
  assert.deepEqual(http.banners, { 'http_header.server': 'http server 1.0' });
});

test('device_id rows carry the vendor labels as hints and the device id as identity', () => {
  const r = fromReportRecord(report('device_id', {}, { deviceVendor: 'Fortinet', deviceType: 'firewall', deviceModel: 'FortiGate', deviceId: 'FGT60E1234567890' }));
  assert.deepEqual(r.hints, { part: 'h', vendor: 'Fortinet', product: 'FortiGate', version: undefined, deviceType: 'firewall' });
  assert.deepEqual(identityKeys(r), ['id:fgt60e1234567890']);
  assert.equal(r.protocol, 'banner');
});
