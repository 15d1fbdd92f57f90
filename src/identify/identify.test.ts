// Service and device identification: banners matched per key, fields resolved by certainty,
// conflicts kept, OS versions as firmware versions, source hints, device ids, host grouping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import { identifyDevice, identifyHosts, identifyService } from './identify.js';
import { RecogDb, recogDb } from './recog/db.js';
import { parseRecogXml } from './recog/load.js';
import type { ServiceObservation } from '../core/model/service.js';

const IP = parseIp('198.51.100.20')!;
function obs(banners: ServiceObservation['banners'], extra: Partial<ServiceObservation> = {}): ServiceObservation {
  return { ts: Date.UTC(2024, 5, 1), ip: IP, protocol: 'http', source: 'zgrab2', banners, ...extra };
}
const builtins = recogDb();

test('several banners of one service combine into one identity with evidence for each', () => {
  const s = identifyService(
    obs({ 'http_header.server': 'Boa/0.94.14rc21', 'http_header.wwwauth': 'Basic realm="TP-LINK Wireless N Router WR841N"', 'x509.subject': 'CN=tplinkwifi.net' }, { port: 80 }),
    builtins,
  );
  assert.deepEqual([s.vendor, s.product, s.deviceType, s.deviceLabel], ['TP-Link', 'TL-WR841N', 'router', 'Router']);
  assert.deepEqual(s.service, { vendor: 'Boa', product: 'Boa', version: '0.94.14rc21' });
  assert.deepEqual(s.evidence.map((e) => [e.key, e.fingerprint]), [
    ['http_header.server', 'Boa embedded web server (common on SOHO routers and cameras; says nothing of the vendor)'],
    ['http_header.wwwauth', 'TP-Link router admin realm with model'],
    ['x509.subject', 'TP-Link router default certificate'],
  ]);
  assert.ok(s.cpe23.includes('cpe:2.3:h:tp-link:tl-wr841n:-:*:*:*:*:*:*:*'), s.cpe23.join(' '));
  assert.ok(s.cpe23.includes('cpe:2.3:a:boa:boa:0.94.14rc21:*:*:*:*:*:*:*'));
  assert.equal(s.certainty, 1);
  assert.deepEqual(s.conflicts, []);
  assert.equal(s.evidence[1]!.database, 'http_wwwauth.xml');
});

test('the most certain value wins a field and the others are kept as a conflict', () => {
  const s = identifyService(obs({ 'http_header.server': 'App-webs/', html_title: 'WEB SERVICE' }), builtins);
  assert.equal(s.vendor, 'Hikvision');
  assert.equal(s.certainty, 0.9);
  assert.deepEqual(s.conflicts, [{ field: 'vendor', chosen: 'Hikvision', others: [{ value: 'Dahua', certainty: 0.6, evidence: 1 }] }]);
});

const CRAFTED = new RecogDb([
  parseRecogXml(
    `<fingerprints matches="http_header.server"><fingerprint pattern="^Generic$"><description>generic</description>
       <param pos="0" name="hw.vendor" value="Generic"/><param pos="0" name="hw.certainty" value="0.0"/></fingerprint>
     <fingerprint pattern="^Ubuntu$"><description>os only</description>
       <param pos="0" name="os.vendor" value="Ubuntu"/><param pos="0" name="os.product" value="Linux"/><param pos="0" name="os.version" value="22.04"/></fingerprint></fingerprints>`,
    'a.xml',
  ),
  parseRecogXml(
    `<fingerprints matches="html_title"><fingerprint pattern="^Specific$" certainty="0.5"><description>specific</description>
       <param pos="0" name="hw.vendor" value="Specific"/><param pos="0" name="hw.product" value="S1"/><param pos="0" name="os.vendor" value="Other OS Co"/><param pos="0" name="os.version" value="9"/></fingerprint></fingerprints>`,
    'b.xml',
  ),
]);

test('hw.certainty in a fingerprint lowers its hardware fields below other evidence', () => {
  const s = identifyService(obs({ 'http_header.server': 'Generic', html_title: 'Specific' }), CRAFTED);
  assert.equal(s.vendor, 'Specific');
  assert.equal(s.conflicts[0]!.others[0]!.value, 'Generic');
  assert.equal(s.conflicts[0]!.others[0]!.certainty, 0);
  assert.equal(s.version, undefined, "another vendor's OS version is not the device firmware version");
  assert.equal(s.os?.version, '9');
});

test('a general-purpose OS is not taken for the device vendor', () => {
  const s = identifyService(obs({ 'http_header.server': 'Ubuntu' }), CRAFTED);
  assert.equal(s.vendor, undefined);
  assert.deepEqual(s.os, { vendor: 'Ubuntu', product: 'Linux', version: '22.04', family: undefined });
  assert.equal(s.certainty, 0);
});

test("a host's services combine: RouterOS version from FTP, device type from SSH", () => {
  const ftp = identifyService(obs({ 'ftp.banner': 'MikroTik FTP server (MikroTik 6.48.6) ready' }, { protocol: 'ftp', port: 21, ts: 1000 }), builtins);
  const ssh = identifyService(obs({ 'ssh.banner': 'ROSSSH' }, { protocol: 'ssh', port: 22, ts: 5000, sshHostKeySha256: 'ab'.repeat(32) }), builtins);
  const d = identifyDevice([ftp, ssh]);
  assert.deepEqual([d.vendor, d.version, d.deviceType, d.os?.product, d.os?.version], ['MikroTik', '6.48.6', 'router', 'RouterOS', '6.48.6']);
  assert.deepEqual([d.services, d.firstSeen, d.lastSeen, d.ips], [2, 1000, 5000, [IP]]);
  assert.equal(d.cpe23[0], 'cpe:2.3:o:mikrotik:routeros:6.48.6:*:*:*:*:*:*:*');
  assert.equal(d.evidence.length, 2);
  assert.deepEqual(d.conflicts, [], 'the same OS from both services is no conflict');
});

test("a source's own label is weak evidence, used when no banner matches", () => {
  const s = identifyService(obs({ html_title: 'index' }, { source: 'shodan', hints: { product: 'Hikvision IP Camera', deviceType: 'webcam', cpe23: ['cpe:2.3:h:hikvision:ds-2cd2032-i:*:*:*:*:*:*:*:*'] } }), builtins);
  assert.deepEqual([s.product, s.deviceType, s.certainty], ['Hikvision IP Camera', 'ip-camera', 0.5]);
  assert.equal(s.evidence[0]!.key, 'hint');
  assert.deepEqual(s.cpe23, ['cpe:2.3:h:hikvision:ds-2cd2032-i:*:*:*:*:*:*:*:*']);
  const app = identifyService(obs({}, { hints: { part: 'a', vendor: 'Allegro', product: 'RomPager', version: '4.07' } }), builtins);
  assert.deepEqual([app.vendor, app.product, app.service?.product, app.service?.version], [undefined, undefined, 'RomPager', '4.07'], 'an application label is not the device');
  const os = identifyService(obs({}, { hints: { part: 'o', vendor: 'MikroTik', product: 'RouterOS', version: '6.49' } }), builtins);
  assert.deepEqual([os.os?.product, os.version], ['RouterOS', '6.49']);
  const both = identifyService(obs({ 'http_header.server': 'DNVRS-Webs' }, { hints: { deviceType: 'webcam' } }), builtins);
  assert.equal(both.deviceType, 'nvr', 'a banner match outranks the label');
});

test('MACs and serials in banners become device ids', () => {
  const axis = identifyService(obs({ 'http_header.wwwauth': 'Basic realm="AXIS_ACCC8E0A1B2C"' }, { deviceIdHint: 'mac:ac:cc:8e:0a:1b:2c' }), builtins);
  assert.deepEqual(axis.deviceIds, ['mac:ac:cc:8e:0a:1b:2c']);
  const dahua = identifyService(obs({ 'http_header.wwwauth': 'Digest realm="Login to 4F02A9BPAZ12345", qop="auth"' }), builtins);
  assert.deepEqual([dahua.vendor, dahua.deviceIds], ['Dahua', ['sn:4F02A9BPAZ12345']]);
});

test('identifyHosts groups by address; unmatched services still count', () => {
  const other = parseIp('198.51.100.21')!;
  const hosts = identifyHosts(
    [obs({ html_title: 'Synology DiskStation' }), obs({ 'http_header.server': 'nginx' }, { ip: other }), obs({ 'ftp.banner': 'DiskStation FTP server ready.' }, { protocol: 'ftp' })],
    builtins,
  );
  assert.equal(hosts.length, 2);
  assert.deepEqual([hosts[0]!.vendor, hosts[0]!.deviceType, hosts[0]!.services], ['Synology', 'nas', 2]);
  assert.deepEqual([hosts[1]!.vendor, hosts[1]!.evidence.length, hosts[1]!.certainty], [undefined, 0, 0]);
});
