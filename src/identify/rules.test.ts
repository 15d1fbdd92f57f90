// The built-in rule XML: every fingerprint tested by its own examples, every capture checked, the
// advisory's vendors covered, and the banners from the brief identified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRules, builtinRulesDir, recogDb } from './recog/db.js';
import { selfTestFiles } from './recog/fingerprints-selftest.js';
import { deviceTypeOf } from './device-type.js';

test('every built-in example passes the self-test', () => {
  const r = selfTestFiles(builtinRules());
  const failed = r.files.flatMap((f) => f.failed.map((x) => `${f.file} ${x.fingerprint}: ${x.reason}`));
  assert.deepEqual(failed, []);
  assert.equal(r.total, 141);
});

test('compiled code finds the built-in rules in the source tree (tsc does not copy XML into dist)', () => {
  // This test runs from dist/src/identify; the rules live in src/identify/rules of the same checkout.
  const here = dirname(fileURLToPath(import.meta.url));
  const repo = resolve(here, '../../..');
  assert.ok(here.startsWith(join(repo, 'dist')), `running from ${here}`);
  assert.equal(builtinRulesDir(), join(repo, 'src/identify/rules') + sep);
  const names = builtinRules().map((f) => basename(f.file));
  assert.deepEqual(names, readdirSync(builtinRulesDir()).filter((n) => n.endsWith('.xml')).sort());
  assert.ok(names.includes('http_user_agents.xml') && names.includes('tls_sni.xml'));
});

test('every built-in fingerprint has an example, and every capture is checked by one', () => {
  for (const file of builtinRules()) {
    for (const fp of file.fingerprints) {
      assert.ok(fp.regex.ok, `${fp.description} translates`);
      assert.ok(fp.examples.length > 0, `${fp.description} has an example`);
      for (const p of fp.params.filter((x) => x.pos > 0)) {
        assert.ok(fp.examples.some((e) => p.name in e.expect), `${fp.description}: capture ${p.name} is checked by an example`);
      }
    }
  }
});

test('the built-ins cover the advisory vendors and name a census device type', () => {
  const vendors = new Set<string>();
  for (const file of builtinRules()) {
    for (const fp of file.fingerprints) {
      const vendor = fp.params.find((p) => p.name === 'hw.vendor')?.value;
      const device = fp.params.find((p) => p.name === 'hw.device')?.value;
      if (vendor) vendors.add(vendor);
      if (device) assert.notEqual(deviceTypeOf(device), 'other', `${fp.description}: ${device}`);
    }
  }
  // Raptor Train and KV-botnet families, and the others those reports list
  for (const v of ['ASUS', 'TP-Link', 'DrayTek', 'Tenda', 'Ruijie', 'Zyxel', 'MikroTik', 'TOTOLINK', 'D-Link', 'Hikvision', 'Dahua', 'AXIS', 'TVT', 'QNAP', 'Synology', 'Cisco', 'NETGEAR', 'Fortinet', 'Ubiquiti', 'Huawei', 'ZTE', 'Panasonic']) {
    assert.ok(vendors.has(v), `a rule for ${v}`);
  }
});

test('the built-ins identify typical device banners', () => {
  const db = recogDb();
  const cases: [string, string, Record<string, string>][] = [
    ['http_header.server', 'Boa/0.94.14rc21', { 'service.product': 'Boa', 'service.version': '0.94.14rc21' }],
    ['http_header.wwwauth', 'Basic realm="TP-LINK Wireless N Router WR841N"', { 'hw.vendor': 'TP-Link', 'hw.product': 'TL-WR841N', 'hw.cpe23': 'cpe:/h:tp-link:tl-WR841N:-' }],
    ['html_title', 'NETGEAR Router R7000', { 'hw.vendor': 'NETGEAR', 'hw.product': 'R7000', 'hw.device': 'Router' }],
    ['ftp.banner', 'MikroTik FTP server (MikroTik 6.48.6) ready', { 'os.product': 'RouterOS', 'os.version': '6.48.6', 'os.cpe23': 'cpe:/o:mikrotik:routeros:6.48.6' }],
    ['http_header.server', 'App-webs/', { 'hw.vendor': 'Hikvision', 'hw.device': 'IP Camera' }],
    ['http_header.server', 'DNVRS-Webs', { 'hw.vendor': 'Hikvision', 'hw.device': 'NVR' }],
    ['html_title', 'Synology DiskStation', { 'hw.vendor': 'Synology', 'hw.device': 'NAS' }],
    ['http_header.server', 'http server 1.0', { 'hw.vendor': 'QNAP', 'os.product': 'QTS' }],
    ['telnet.banner', 'MikroTik v6.48.6 (stable)\r\nLogin: ', { 'os.version': '6.48.6' }],
    ['ssh.banner', 'ROSSSH', { 'hw.vendor': 'MikroTik' }],
    ['x509.subject', 'CN=router.asus.com,O=ASUSTeK Computer Inc.,C=TW', { 'hw.vendor': 'ASUS' }],
    ['http_header.user_agent', 'Mikrotik/6.x Fetch', { 'hw.vendor': 'MikroTik', 'os.product': 'RouterOS', 'os.version.major': '6' }],
    ['tls.sni', 'upgrade.mikrotik.com', { 'hw.vendor': 'MikroTik', 'hw.device': 'Router' }],
    ['tls.sni', 'update7.synology.com', { 'hw.vendor': 'Synology', 'hw.device': 'NAS' }],
  ];
  for (const [key, banner, want] of cases) {
    const m = db.matchFirst(key, banner);
    assert.ok(m, `${key} ${banner} matches`);
    for (const [k, v] of Object.entries(want)) assert.equal(m.params[k], v, `${banner}: ${k}`);
  }
  assert.equal(db.matchFirst('html_title', 'Welcome to nginx!'), undefined);
  assert.equal(db.matchFirst('http_header.user_agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)'), undefined);
  assert.equal(db.matchFirst('tls.sni', 'www.synology.com'), undefined, 'the vendor website is not its update host');
});
