// Censys host JSON: one observation per service, headers, title, certificate, SSH key, software
// hints, the API envelope, and bad lines rejected with the service's field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { parseIp } from '../core/ip.js';
import { readScanFileAll } from './scan-reader.js';
import { detectScan } from './scan-formats.js';
import { censysScan } from './scan-censys.js';

const CERT = 'd4'.repeat(32);
const KEY = 'e5'.repeat(32);
const host = {
  ip: '192.0.2.64',
  last_updated_at: '2024-06-03T09:00:00Z',
  services: [
    {
      port: 443, service_name: 'HTTP', extended_service_name: 'HTTPS', transport_protocol: 'TCP', observed_at: '2024-06-03T08:00:00.123456789Z',
      http: { response: { headers: { Server: ['DNVRS-Webs'], 'WWW-Authenticate': ['Digest realm="DS-7608NI-K2", qop="auth"'] }, html_title: 'Login' } },
      tls: { certificates: { leaf_fp_sha_256: CERT, leaf_data: { subject_dn: 'C=CN, ST=ZheJiang, O=Hikvision, CN=192.0.2.64', issuer_dn: 'CN=Hikvision CA' } } },
      software: [
        { uniform_resource_identifier: 'cpe:2.3:a:hikvision:web_server:*:*:*:*:*:*:*:*', part: 'a', vendor: 'Hikvision', product: 'web_server' },
        { uniform_resource_identifier: 'cpe:2.3:h:hikvision:ds-7608ni-k2:*:*:*:*:*:*:*:*', part: 'h', vendor: 'Hikvision', product: 'DS-7608NI-K2', other: { device: 'NVR' } },
      ],
    },
    { port: 22, service_name: 'SSH', ssh: { endpoint_id: { raw: 'SSH-2.0-dropbear_2019.78' }, server_host_key: { fingerprint_sha256: KEY } } },
    { port: 2323, service_name: 'TELNET', transport_protocol: 'TCP', observed_at: '2024-06-03T08:05:00Z', banner: 'DIR-615 login: ' },
    { port: 21, service_name: 'FTP', observed_at: '2024-06-03T08:06:00Z', banner: '220 NASFTPD Turbo station 1.3.5a Server (ProFTPD) [::ffff:192.0.2.10]\r\n' },
    { port: 9999, service_name: 'UNKNOWN', transport_protocol: 'UDP', observed_at: '2024-06-03T08:07:00Z', banner: '' },
  ],
};
const envelope = {
  code: 200, status: 'OK',
  result: { ip: '192.0.2.99', services: [{ port: 80, service_name: 'HTTP', observed_at: '2024-06-04T00:00:00Z', http: { response: { headers: { server: 'lighttpd' }, body: '<title>Synology DiskStation</title>' } } }] },
};
const LINES = [
  host,
  envelope,
  { ip: '192.0.2.1', services: 'none' },
  { ip: '192.0.2.1', services: [{ port: 'abc', service_name: 'HTTP', observed_at: '2024-06-03T08:00:00Z' }] },
  { ip: '192.0.2.1', services: [{ port: 80, service_name: 'HTTP' }] },
  { services: [] },
].map((l) => JSON.stringify(l));

async function read() {
  const path = join(tempDir(), 'censys.json');
  writeFileSync(path, LINES.join('\n'));
  return readScanFileAll(path, censysScan);
}

test('each Censys service is an observation with normalised banners', async () => {
  const { observations: obs, summary } = await read();
  assert.deepEqual([summary.records, summary.rejected], [6, 4]);
  const [web, ssh, telnet, ftp, unknown, synology] = obs;
  assert.deepEqual([web!.ip, web!.port, web!.protocol, web!.ts], [parseIp('192.0.2.64'), 443, 'https', Date.parse('2024-06-03T08:00:00.123Z')]);
  assert.deepEqual(web!.banners, {
    'http_header.server': 'DNVRS-Webs',
    'http_header.wwwauth': 'Digest realm="DS-7608NI-K2", qop="auth"',
    html_title: 'Login',
    'x509.subject': 'CN=192.0.2.64,O=Hikvision,ST=ZheJiang,C=CN',
    'x509.issuer': 'CN=Hikvision CA',
  });
  assert.equal(web!.certSha256, CERT);
  assert.deepEqual(web!.hints, {
    part: 'h', vendor: 'Hikvision', product: 'DS-7608NI-K2', version: undefined, deviceType: 'NVR',
    cpe23: ['cpe:2.3:a:hikvision:web_server:*:*:*:*:*:*:*:*', 'cpe:2.3:h:hikvision:ds-7608ni-k2:*:*:*:*:*:*:*:*'],
  });
  assert.equal(ssh!.ts, Date.UTC(2024, 5, 3, 9), 'a service without observed_at takes the host time');
  assert.equal(ssh!.banners['ssh.banner'], 'dropbear_2019.78');
  assert.equal(ssh!.sshHostKeySha256, KEY);
  assert.equal(telnet!.banners['telnet.banner'], 'DIR-615 login: ');
  assert.equal(ftp!.banners['ftp.banner'], 'NASFTPD Turbo station 1.3.5a Server (ProFTPD) [::ffff:192.0.2.10]');
  assert.deepEqual([unknown!.protocol, unknown!.transport, unknown!.banners], ['banner', 'udp', {}]);
  assert.equal(synology!.ip, parseIp('192.0.2.99'), 'the API envelope is unwrapped');
  assert.deepEqual(synology!.banners, { 'http_header.server': 'lighttpd', html_title: 'Synology DiskStation' });
});

test('bad Censys lines are rejected with their field', async () => {
  const { summary } = await read();
  assert.deepEqual(summary.examples.map((e) => [e.line, e.field]), [[3, 'services'], [4, 'services[0].port'], [5, 'services[0].observed_at'], [6, 'ip']]);
});

test('detection recognises Censys hosts and envelopes', async () => {
  for (const line of [LINES[0], LINES[1]]) {
    const path = join(tempDir(), 'hosts.json');
    writeFileSync(path, line + '\n');
    assert.equal((await detectScan(path)).name, 'censys');
  }
});
