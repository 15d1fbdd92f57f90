// Shodan banner JSON lines: protocols from _shodan.module, banners from `data` and the protocol
// objects, certificate and host-key fingerprints, Shodan's own labels as hints, bad lines rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { parseIp } from '../core/ip.js';
import { readScanFileAll } from './scan-reader.js';
import { detectScan } from './scan-formats.js';
import { shodanScan } from './scan-shodan.js';

const KEY_BLOB = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-rsa'), Buffer.alloc(40, 7)]);
const CERT = 'c3'.repeat(32);
const base = { transport: 'tcp', timestamp: '2024-06-02T11:22:33.250000' };
const LINES = [
  { ...base, ip_str: '203.0.113.5', port: 80, _shodan: { module: 'http' }, data: 'HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: text/html\r\n\r\n', http: { server: 'App-webs/', title: 'index &amp; more' }, product: 'Hikvision IP Camera', devicetype: 'webcam', cpe: ['cpe:/h:hikvision:ds-2cd2032-i'] },
  {
    ...base, ip_str: '203.0.113.6', port: 443, _shodan: { module: 'https-simple-new' },
    data: 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="Login to 4F02A9BPAZ12345", qop="auth"\r\n\r\n',
    http: { title: null },
    ssl: { cert: { fingerprint: { sha256: CERT.toUpperCase().match(/../g)!.join(':') }, subject: { C: 'CN', O: 'ZheJiang Dahua Technology Co., Ltd.', CN: '4F02A9BPAZ12345' }, issuer: { CN: 'Dahua CA' } } },
  },
  { ...base, ip_str: '203.0.113.7', port: 22, _shodan: { module: 'ssh' }, data: 'SSH-2.0-ROSSSH\nKey type: ssh-rsa\nKey: x\n', ssh: { key: KEY_BLOB.toString('base64'), fingerprint: 'aa:bb', type: 'ssh-rsa' } },
  { ...base, ip_str: '203.0.113.7', port: 21, _shodan: { module: 'ftp' }, data: '220 MikroTik FTP server (MikroTik 6.40.1) ready\r\n530 Login incorrect.\r\n214-The following commands are recognized.\r\n' },
  { ...base, ip_str: '203.0.113.7', port: 23, transport: 'tcp', _shodan: { module: 'telnet' }, data: 'MikroTik v6.40.1 (stable)\r\nLogin: ' },
  { ...base, ip_str: '2001:db8::7', port: 8443, data: 'HTTP/1.1 200 OK\r\nServer: Cross Web Server\r\n\r\n', http: {}, ssl: {} },
  { ...base, port: 80, data: '' },
  { ...base, ip_str: '203.0.113.8', port: 70000, data: '' },
  { ...base, ip_str: '203.0.113.8', port: 80, timestamp: 'yesterday', data: '' },
  { ...base, ip_str: '203.0.113.8', port: 80, data: 42 },
].map((l) => JSON.stringify(l));

async function read() {
  const path = join(tempDir(), 'shodan.json');
  writeFileSync(path, LINES.join('\n'));
  return readScanFileAll(path, shodanScan);
}

test('Shodan banners become observations with Recog-ready banners', async () => {
  const { observations: obs, summary } = await read();
  assert.deepEqual([summary.records, summary.rejected], [6, 4]);
  const [cam, dahua, sshObs, ftp, telnet, v6] = obs;
  assert.deepEqual([cam!.protocol, cam!.port, cam!.ip], ['http', 80, parseIp('203.0.113.5')]);
  assert.equal(cam!.ts, Date.UTC(2024, 5, 2, 11, 22, 33, 250), 'a zone-less Shodan time is UTC');
  assert.deepEqual(cam!.banners, { 'http_header.server': 'App-webs/', html_title: 'index & more' });
  assert.deepEqual(cam!.hints, { part: 'h', product: 'Hikvision IP Camera', version: undefined, deviceType: 'webcam', os: undefined, cpe23: ['cpe:2.3:h:hikvision:ds-2cd2032-i:*:*:*:*:*:*:*:*'] });
  assert.equal(dahua!.protocol, 'https');
  assert.equal(dahua!.banners['http_header.wwwauth'], 'Digest realm="Login to 4F02A9BPAZ12345", qop="auth"');
  assert.equal(dahua!.banners['x509.subject'], 'CN=4F02A9BPAZ12345,O=ZheJiang Dahua Technology Co.\\, Ltd.,C=CN');
  assert.equal(dahua!.certSha256, CERT, 'colons and upper case are normalised');
  assert.equal(sshObs!.banners['ssh.banner'], 'ROSSSH');
  assert.equal(sshObs!.sshHostKeySha256, createHash('sha256').update(KEY_BLOB).digest('hex'));
  assert.equal(ftp!.banners['ftp.banner'], 'MikroTik FTP server (MikroTik 6.40.1) ready', 'only the greeting, not the later replies');
  assert.equal(telnet!.banners['telnet.banner'], 'MikroTik v6.40.1 (stable)\r\nLogin: ');
  assert.equal(v6!.protocol, 'https', 'no module: an http object with ssl is https');
  assert.equal(v6!.banners['http_header.server'], 'Cross Web Server');
  assert.equal(v6!.hints, undefined, 'no Shodan labels, no hints');
});

test('bad Shodan lines are rejected with their field', async () => {
  const { summary } = await read();
  assert.deepEqual(summary.examples.map((e) => [e.line, e.field]), [[7, 'ip_str'], [8, 'port'], [9, 'timestamp'], [10, 'data']]);
});

test('detection tells Shodan from zgrab2 and Censys lines', async () => {
  const path = join(tempDir(), 'export.json');
  writeFileSync(path, LINES[0] + '\n');
  assert.equal((await detectScan(path)).name, 'shodan');
});
