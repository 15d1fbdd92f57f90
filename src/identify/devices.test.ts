// From stored services to devices: keyless services attach to the keyed device on their address
// when close in time, else stay the address's own; evidence names file and line; spans per address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import type { StoredService } from './store-types.js';
import { buildDevices } from './devices.js';
import { recogDb } from './recog/db.js';

const H = 3_600_000;
const D = 24 * H;
const ip = (s: string) => parseIp(s)!;
const KEY = 'c3'.repeat(32);
let line = 0;
function svc(addr: string, ts: number, banners: StoredService['banners'], extra: Partial<StoredService> = {}): StoredService {
  return { ts, lastTs: ts, events: 1, ip: ip(addr), protocol: 'x', source: 'zgrab2', banners, importId: 1, file: 'scan.json', line: ++line, ...extra };
}
const db = recogDb();

test('an HTTP banner near an SSH host key joins its device; one far from it stays the address', () => {
  const { devices, merge } = buildDevices(
    [
      svc('192.0.2.1', 0, { 'ssh.banner': 'ROSSSH' }, { sshHostKeySha256: KEY }),
      svc('192.0.2.1', H, { 'ftp.banner': 'MikroTik FTP server (MikroTik 6.48.6) ready' }),
      svc('192.0.2.2', 3 * D, { 'ssh.banner': 'ROSSSH' }, { sshHostKeySha256: KEY }),
      svc('192.0.2.1', 10 * D, { 'http_header.server': 'App-webs/' }, { lastTs: 11 * D }),
      svc('192.0.2.9', 0, { html_title: 'nothing known' }),
    ],
    db,
  );
  assert.deepEqual(devices.map((d) => [d.device, d.stable, d.identity.vendor ?? null, d.addresses.length]), [
    ['ip:192.0.2.1', false, 'Hikvision', 1],
    ['ip:192.0.2.9', false, null, 1],
    ['ssh:' + KEY, true, 'MikroTik', 2],
  ]);
  const router = devices[2]!;
  assert.deepEqual(router.keys, ['ssh:' + KEY]);
  assert.equal(router.identity.version, '6.48.6', 'the FTP banner an hour after the SSH key is the same box');
  assert.deepEqual(router.addresses.map((a) => [a.firstSeen, a.lastSeen]), [[0, H], [3 * D, 3 * D]]);
  assert.deepEqual([router.identity.firstSeen, router.identity.lastSeen, router.identity.services], [0, 3 * D, 3]);
  assert.deepEqual(router.identity.evidence.map((e) => [e.key, (e as { line?: number }).line, (e as { file?: string }).file]), [
    ['ssh.banner', 1, 'scan.json'],
    ['ftp.banner', 2, 'scan.json'],
    ['ssh.banner', 3, 'scan.json'],
  ]);
  assert.deepEqual(devices[0]!.addresses.map((a) => [a.firstSeen, a.lastSeen]), [[10 * D, 11 * D]], 'a folded row spans its first and last time');
  assert.equal(merge.addressesCollapsed, 1);
});

test('the attach window is an option, and a shared key attaches nothing', () => {
  const services = [
    svc('192.0.2.1', 0, { 'ssh.banner': 'ROSSSH' }, { sshHostKeySha256: KEY }),
    svc('192.0.2.1', 2 * D, { 'http_header.server': 'App-webs/' }),
  ];
  assert.equal(buildDevices(services, db).devices.length, 2);
  assert.equal(buildDevices(services, db, { attachWindowMs: 3 * D }).devices.length, 1);
  const shared = ['192.0.2.5', '192.0.2.6', '192.0.2.7'].map((a, i) => svc(a, i * 60_000, { 'x509.subject': 'CN=tplinkwifi.net' }, { certSha256: KEY }));
  const r = buildDevices(shared, db);
  assert.deepEqual(r.devices.map((d) => [d.device, d.identity.vendor]), [['ip:192.0.2.5', 'TP-Link'], ['ip:192.0.2.6', 'TP-Link'], ['ip:192.0.2.7', 'TP-Link']]);
  assert.equal(r.merge.shared.length, 1);
});
