// zgrab2 reader and the scan-reader base: modules to observations, bad lines isolated and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../../test/tmp.js';
import { parseIp } from '../core/ip.js';
import { BotcensusError } from '../core/errors.js';
import { readScanFile, readScanFileAll } from './scan-reader.js';
import { detectScan } from './scan-formats.js';
import { zgrab2Scan } from './scan-zgrab2.js';

const CERT = 'a1'.repeat(32);
const HOSTKEY = 'b2'.repeat(32);
const https = {
  ip: '198.51.100.7',
  data: {
    http: {
      status: 'success', protocol: 'http', timestamp: '2024-06-01T10:00:00Z',
      result: {
        response: {
          status_code: 401,
          headers: { server: ['Boa/0.94.14rc21'], www_authenticate: ['Basic realm="TP-LINK Wireless N Router WR841N"'] },
          body: '<html><head><title>TL-WR841N</title></head></html>',
          request: {
            url: { scheme: 'https', host: '198.51.100.7:8443', path: '/' },
            tls_log: { handshake_log: { server_certificates: { certificate: { parsed: { fingerprint_sha256: CERT, subject_dn: 'C=CN, O=TP-Link, CN=tplinkwifi.net', issuer_dn: 'CN=tplinkwifi.net' } } } } },
          },
        },
      },
    },
  },
};
const ssh = {
  ip: '198.51.100.8',
  data: { ssh: { status: 'success', protocol: 'ssh', timestamp: '2024-06-01T10:00:05+02:00', result: { server_id: { raw: 'SSH-2.0-ROSSSH' }, key_exchange: { server_host_key: { fingerprint_sha256: HOSTKEY } } } } },
};
const multi = {
  ip: '2001:db8::1',
  data: {
    ftp: { status: 'success', protocol: 'ftp', timestamp: '2024-06-01T10:01:00Z', result: { banner: '220 MikroTik FTP server (MikroTik 6.48.6) ready\r\n' } },
    'telnet-2323': { status: 'success', protocol: 'telnet', timestamp: '2024-06-01T10:01:01Z', result: { banner: 'MikroTik v6.48.6 (stable)\r\nLogin: ' } },
    smtp: { status: 'connection-timeout', protocol: 'smtp', timestamp: '2024-06-01T10:01:02Z', error: 'i/o timeout' },
  },
};
const LINES = [
  JSON.stringify(https),
  JSON.stringify(ssh),
  '',
  JSON.stringify(multi),
  '{"ip": "192.0.2.1", "data": ',
  JSON.stringify({ ip: '999.1.1.1', data: {} }),
  JSON.stringify({ ip: '192.0.2.1', data: { ftp: { status: 'success', protocol: 'ftp', result: { banner: '220 x' } } } }),
  JSON.stringify({ ip: '192.0.2.1' }),
  JSON.stringify({ ip: '192.0.2.2', data: { pop3: 'oops' } }),
];

function fixture(name = 'scan.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, LINES.join('\n') + '\n');
  return path;
}

test('every module with a result is one observation, with banners normalised for Recog', async () => {
  const { observations: obs, summary } = await readScanFileAll(fixture(), zgrab2Scan);
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [9, 4, 1, 5]);
  assert.equal(obs.length, 4);
  const [web, sshObs, ftp, telnet] = obs as [typeof obs[0], typeof obs[0], typeof obs[0], typeof obs[0]];
  assert.equal(web.ip, parseIp('198.51.100.7'));
  assert.equal(web.protocol, 'https');
  assert.equal(web.port, 8443);
  assert.equal(web.ts, Date.UTC(2024, 5, 1, 10));
  assert.deepEqual(web.banners, {
    'http_header.server': 'Boa/0.94.14rc21',
    'http_header.wwwauth': 'Basic realm="TP-LINK Wireless N Router WR841N"',
    html_title: 'TL-WR841N',
    'x509.subject': 'CN=tplinkwifi.net,O=TP-Link,C=CN',
    'x509.issuer': 'CN=tplinkwifi.net',
  });
  assert.equal(web.certSha256, CERT);
  assert.equal(sshObs.banners['ssh.banner'], 'ROSSSH');
  assert.equal(sshObs.sshHostKeySha256, HOSTKEY);
  assert.equal(sshObs.ts, Date.UTC(2024, 5, 1, 8, 0, 5), 'the +02:00 offset is applied');
  assert.equal(ftp.ip, parseIp('2001:db8::1'));
  assert.equal(ftp.banners['ftp.banner'], 'MikroTik FTP server (MikroTik 6.48.6) ready');
  assert.equal(telnet.protocol, 'telnet', 'the module protocol, not its name, decides');
  assert.equal(telnet.banners['telnet.banner'], 'MikroTik v6.48.6 (stable)\r\nLogin: ');
  assert.ok(obs.every((o) => o.source === 'zgrab2' && o.transport === 'tcp'));
});

test('bad lines are rejected alone, with line number and field', async () => {
  const { summary } = await readScanFileAll(fixture(), zgrab2Scan);
  assert.deepEqual(
    summary.examples.map((e) => [e.line, e.field]),
    [[5, undefined], [6, 'ip'], [7, 'data.ftp.timestamp'], [8, 'data'], [9, 'data.pop3']],
  );
  assert.match(summary.examples[0]!.reason, /not JSON/);
  assert.match(summary.examples[1]!.reason, /not an IP address/);
});

test('batches are handed over as configured, gzip is read, detection picks zgrab2', async () => {
  const dir = tempDir();
  const gz = join(dir, 'scan.json.gz');
  writeFileSync(gz, gzipSync(LINES.join('\n')));
  const sizes: number[] = [];
  const progress: number[] = [];
  const summary = await readScanFile(gz, zgrab2Scan, (b) => void sizes.push(b.length), {}, { batchSize: 2, onProgress: (n) => progress.push(n) });
  assert.ok(progress.length === 1 && progress[0]! > 0, 'progress reports the bytes read at the end');
  assert.deepEqual(sizes, [2, 2], "a line's observations stay in one batch");
  assert.equal(summary.records, 4);
  assert.equal((await detectScan(gz)).name, 'zgrab2');
  const junk = join(dir, 'junk.txt');
  writeFileSync(junk, 'hello\n');
  await assert.rejects(detectScan(junk), (e: unknown) => e instanceof BotcensusError && e.code === 'UNKNOWN_FORMAT');
  await assert.rejects(readScanFileAll(join(dir, 'missing.json'), zgrab2Scan), (e: unknown) => e instanceof BotcensusError && e.code === 'UNREADABLE');
});
