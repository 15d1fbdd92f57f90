// matchKev: vendor aliases, product by model/name/CPE/device category, version rules applied when
// both sides state a version, product-level fallback otherwise, and the evidence of each match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEV_FIXTURE } from '../../test/fixtures/identify/kev-fixture.js';
import type { Identity } from './identify.js';
import { kevMatcher, matchKev } from './kev.js';
import { parseKevJson } from './kev.js';

const entries = parseKevJson(JSON.stringify({ vulnerabilities: KEV_FIXTURE })).entries;

function device(d: Partial<Identity>): Identity {
  return { cpe23: [], certainty: 1, evidence: [], conflicts: [], deviceIds: [], ...d };
}
const ids = (ms: { cveID: string }[]) => ms.map((m) => m.cveID);

test('a stated version range decides: RouterOS 6.40.1 is affected by "through 6.42", 6.48.6 is not', () => {
  const old = matchKev(device({ vendor: 'MikroTik', deviceType: 'router', os: { vendor: 'MikroTik', product: 'RouterOS', version: '6.40.1' }, version: '6.40.1' }), entries);
  assert.deepEqual(ids(old), ['CVE-2099-0001']);
  assert.equal(old[0]!.level, 'version');
  assert.equal(old[0]!.versionCheck?.affected, true);
  assert.equal(old[0]!.versionCheck?.rule.statement, 'through 6.42');
  assert.ok(old[0]!.evidence.includes('version 6.40.1 is within "through 6.42"'), old[0]!.evidence.join(' / '));
  const current = device({ vendor: 'MikroTik', os: { vendor: 'MikroTik', product: 'RouterOS', version: '6.48.6' } });
  assert.deepEqual(matchKev(current, entries), []);
  const kept = matchKev(current, entries, { includeNotAffected: true });
  assert.deepEqual([kept[0]?.level, kept[0]?.versionCheck?.affected], ['version', false]);
});

test('without a device version the match is product-level and says why', () => {
  const m = matchKev(device({ vendor: 'MikroTik', os: { product: 'RouterOS' } }), entries);
  assert.deepEqual(ids(m), ['CVE-2099-0001']);
  assert.equal(m[0]!.level, 'product-level');
  assert.equal(m[0]!.versionNote, 'device version unknown');
  assert.equal(m[0]!.component.kind, 'os');
});

test('a model named in the description matches, whatever the vendor spelling', () => {
  const m = matchKev(device({ vendor: 'TP-Link', product: 'TL-WR841N', deviceType: 'router', version: '3.16.9' }), entries);
  assert.deepEqual(ids(m), ['CVE-2099-0002']);
  assert.equal(m[0]!.matchedOn, 'model');
  assert.equal(m[0]!.level, 'product-level');
  assert.equal(m[0]!.versionNote, 'the entry states no affected versions');
  assert.deepEqual(matchKev(device({ vendor: 'TP-Link', product: 'TL-WR740N' }), entries), [], 'another model is not matched');
});

test('an entry naming only a device category matches devices of that type', () => {
  const m = matchKev(device({ vendor: 'Zyxel', product: 'USG FLEX 100', deviceType: 'firewall' }), entries);
  assert.deepEqual(ids(m), ['CVE-2099-0003']);
  assert.equal(m[0]!.matchedOn, 'device-type');
  assert.ok(m[0]!.evidence.some((e) => e.includes('device type firewall is covered by KEV product "Multiple Firewalls"')));
  assert.deepEqual(matchKev(device({ vendor: 'ZyXEL', product: 'NAS326', deviceType: 'nas' }), entries), []);
});

test('"before" excludes the bound itself', () => {
  const at = (v: string) => matchKev(device({ vendor: 'D-Link', product: 'DIR-859', version: v, os: { vendor: 'D-Link', product: 'DIR-859 Firmware', version: v } }), entries);
  assert.deepEqual(at('1.06').map((m) => [m.cveID, m.level, m.matchedOn]), [['CVE-2099-0004', 'version', 'model']]);
  assert.deepEqual(at('1.07'), []);
});

test('a "X through Y" range has a lower bound too', () => {
  const at = (v: string) => ids(matchKev(device({ vendor: 'Hikvision', product: 'DS-2CD2032-I', deviceType: 'ip-camera', version: v }), entries));
  assert.deepEqual(at('5.5.0'), ['CVE-2099-0005']);
  assert.deepEqual(at('5.3.0'), []);
  assert.deepEqual(at('5.6.0'), []);
});

test('several statements that do not name the product leave the match product-level', () => {
  const m = matchKev(device({ vendor: 'Acme Inc.', product: 'Foo Suite', version: '1.5' }), entries);
  assert.deepEqual([m[0]?.cveID, m[0]?.level, m[0]?.versionNote], ['CVE-2099-0006', 'product-level', '2 version statements, none names Foo Suite']);
});

test('a CPE identifies the product; vendor-only matches need asking for', () => {
  const qnap = device({ vendor: 'QNAP', deviceType: 'nas', cpe23: ['cpe:2.3:o:qnap:qts:4.3.3:*:*:*:*:*:*:*'] });
  const m = matchKev(qnap, entries);
  assert.deepEqual(m.map((x) => [x.cveID, x.matchedOn, x.level, x.versionCheck?.affected]), [['CVE-2099-0008', 'cpe', 'version', true]]);
  const dlink = device({ vendor: 'D-Link', product: 'DCS-930L', deviceType: 'ip-camera' });
  assert.deepEqual(matchKev(dlink, entries), []);
  assert.deepEqual(matchKev(dlink, entries, { includeVendorOnly: true }).map((x) => [x.cveID, x.matchedOn]), [['CVE-2099-0007', 'vendor']]);
});

test('an unknown vendor matches nothing', () => {
  assert.deepEqual(matchKev(device({ product: 'RouterOS' }), entries), []);
  assert.deepEqual(matchKev(device({ vendor: 'Nobody', product: 'RouterOS' }), entries), []);
});

test('kevMatcher gives what matchKev gives over every entry', () => {
  const match = kevMatcher(entries, { includeVendorOnly: true });
  const devices = [
    device({ vendor: 'MikroTik', os: { vendor: 'MikroTik', product: 'RouterOS', version: '6.40.1' } }),
    device({ vendor: 'TP-Link', product: 'TL-WR841N', deviceType: 'router' }),
    device({ vendor: 'D-Link', product: 'DCS-930L', deviceType: 'ip-camera' }),
    device({ vendor: 'QNAP', cpe23: ['cpe:2.3:o:qnap:qts:4.3.3:*:*:*:*:*:*:*'] }),
    device({ product: 'nothing' }),
  ];
  for (const d of devices) assert.deepEqual(match(d), matchKev(d, entries, { includeVendorOnly: true }));
  assert.deepEqual(match(devices[4]!), []);
});

test('at equal rank the component that states a version is checked', () => {
  const d = device({ vendor: 'MikroTik', cpe23: ['cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*', 'cpe:2.3:o:mikrotik:routeros:6.40.1:*:*:*:*:*:*:*'] });
  const [m] = matchKev(d, entries);
  assert.deepEqual([m?.cveID, m?.matchedOn, m?.level, m?.versionCheck?.version], ['CVE-2099-0001', 'cpe', 'version', '6.40.1']);
});
