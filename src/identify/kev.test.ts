// KEV catalog parsing from JSON and CSV (written here in CISA's formats, with invented entries),
// and the name and version helpers matching relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { BotcensusError } from '../core/errors.js';
import { csvRecords, loadKev, parseKevCsv, parseKevJson } from './kev.js';
import { kevCategory, kevGeneric, modelKeys, vendorKey, vendorKeys } from './kev-names.js';
import { compareVersions, isAffected, versionRules } from './kev-version.js';
import { KEV_FIXTURE, kevCsv } from '../../test/fixtures/identify/kev-fixture.js';

test('JSON and CSV give the same entries, CSV quoting and newlines included', () => {
  const json = parseKevJson(JSON.stringify({ catalogVersion: '2099.01.02', dateReleased: '2099-01-02T00:00:00Z', count: 8, vulnerabilities: KEV_FIXTURE }));
  const csv = parseKevCsv(kevCsv());
  assert.equal(json.catalogVersion, '2099.01.02');
  assert.equal(json.entries.length, 8);
  assert.deepEqual(csv.entries, json.entries);
  assert.equal(csv.entries[0]!.shortDescription, 'MikroTik RouterOS through 6.42 allows "remote" file reads.');
  assert.equal(csv.entries[2]!.shortDescription, 'Multiple Zyxel firewalls contain an injection,\nreachable from the WAN.');
  assert.deepEqual(csv.entries[2]!.cwes, ['CWE-78', 'CWE-20']);
  assert.deepEqual(csv.entries[1]!.cwes, []);
});

test('bad entries are rejected with where and which field', () => {
  const bad = [{ ...KEV_FIXTURE[0]!, cveID: 'CVE-99-1' }, { ...KEV_FIXTURE[0]!, vendorProject: '' }, 'not an object', { ...KEV_FIXTURE[0]!, dateAdded: '02/01/2099' }];
  const json = parseKevJson(JSON.stringify({ vulnerabilities: [KEV_FIXTURE[0], ...bad] }));
  assert.deepEqual(json.rejected.map((r) => [r.at, r.field]), [[2, 'cveID'], [3, 'vendorProject'], [4, 'cveID'], [5, 'dateAdded']]);
  const csv = parseKevCsv(kevCsv(KEV_FIXTURE.slice(0, 2), ['CVE-XXXX,Acme,Thing,,2099-01-01,,,,,,']));
  assert.equal(csv.entries.length, 2);
  assert.deepEqual(csv.rejected.map((r) => [r.at, r.field]), [[4, 'cveID']]);
});

test('a catalog that is not one is refused', () => {
  assert.throws(() => parseKevJson('{"title": "x"}'), (e: unknown) => e instanceof BotcensusError && e.code === 'BAD_INPUT' && e.where.field === 'vulnerabilities');
  assert.throws(() => parseKevJson('{'), (e: unknown) => e instanceof BotcensusError && /not JSON/.test(e.message));
  assert.throws(() => parseKevCsv('a,b\n1,2\n'), (e: unknown) => e instanceof BotcensusError && e.where.line === 1);
});

test('loadKev reads either file kind by its content', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'kev.json'), JSON.stringify({ vulnerabilities: KEV_FIXTURE }));
  writeFileSync(join(dir, 'kev.csv'), '\uFEFF' + kevCsv());
  assert.deepEqual(loadKev(join(dir, 'kev.csv')).entries, loadKev(join(dir, 'kev.json')).entries);
});

test('CSV records keep line numbers across quoted newlines', () => {
  const recs = csvRecords('a,b\r\n"x\ny",2\r\n\r\nlast,"q""uote"');
  assert.deepEqual(recs, [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x\ny', '2'] }, { line: 5, fields: ['last', 'q"uote'] }]);
});

test('vendor names are normalised with suffixes and aliases', () => {
  for (const v of ['TP-LINK', 'tp-link', 'TP-Link Technologies Co., Ltd.']) assert.equal(vendorKey(v), 'tplink');
  for (const v of ['ZyXEL', 'Zyxel Communications Corp.']) assert.equal(vendorKey(v), 'zyxel');
  assert.equal(vendorKey('QNAP Systems, Inc.'), 'qnap');
  assert.equal(vendorKey('ASUSTeK Computer Inc.'), 'asus');
  assert.equal(vendorKey('Hangzhou Hikvision Digital Technology'), 'hikvision');
  assert.equal(vendorKey('Ruckus Wireless'), 'ruckus');
  assert.deepEqual(vendorKeys('D-Link and TRENDnet'), ['dlink', 'trendnet']);
});

test('model keys and device categories in KEV product text', () => {
  const keys = modelKeys('TP-Link TL-WR940N V2/V4, TL-WR841N V8/V10 and Archer AX-21');
  assert.ok(keys.has('tlwr841n') && keys.has('archerax21') && keys.has('tlwr940n'));
  assert.equal(keys.has('tplink'), false, 'no digit, no model');
  assert.deepEqual(kevCategory('Multiple Routers'), ['router', 'modem']);
  assert.deepEqual(kevCategory('Multiple Network-Attached Storage (NAS) Devices'), ['nas']);
  assert.deepEqual(kevCategory('Security cameras web server'), ['ip-camera']);
  assert.equal(kevCategory('DIR-859 Router'), undefined, 'a named model is not a category');
  assert.equal(kevCategory('Photo Station'), undefined);
  assert.ok(kevGeneric('Multiple Products') && kevGeneric('Multiple Devices'));
  assert.equal(kevGeneric('Multiple Routers'), false);
});

test('affected-version statements are found with their context', () => {
  assert.deepEqual(versionRules('MikroTik RouterOS through 6.42 allows reads.').map((r) => [r.op, r.bound, r.context]), [['le', '6.42', 'MikroTik RouterOS ']]);
  assert.deepEqual(versionRules('Exim before 4.69 and Foo prior to version 2.0b1').map((r) => [r.op, r.bound]), [['lt', '4.69'], ['lt', '2.0b1']]);
  assert.deepEqual(versionRules('Serv-U versions 15.2.3 HF2 and earlier').map((r) => [r.op, r.bound]), [['le', '15.2.3 HF2']]);
  const range = versionRules('firmware versions 5.4.0 through 5.5.800 allow')[0]!;
  assert.deepEqual([range.op, range.from, range.bound], ['le', '5.4.0', '5.5.800']);
  assert.deepEqual(versionRules('reachable through port 37777 and through the web interface'), []);
  assert.deepEqual(versionRules('escalate up to SYSTEM privileges'), []);
});

test('versions compare numerically, pre-releases before releases', () => {
  assert.equal(compareVersions('6.48.6', '6.42'), 1);
  assert.equal(compareVersions('6.42', '6.42.0'), -1);
  assert.equal(compareVersions('6.42rc1', '6.42'), -1);
  assert.equal(compareVersions('1.14WW', '1.14'), -1);
  assert.equal(compareVersions('10.0.0.50', '9.9'), 1);
  assert.equal(compareVersions('2.0', '2.0'), 0);
  assert.ok(isAffected('6.42', { op: 'le', bound: '6.42', statement: '', context: '' }));
  assert.equal(isAffected('6.42', { op: 'lt', bound: '6.42', statement: '', context: '' }), false);
  assert.equal(isAffected('5.3', { op: 'le', bound: '5.5.800', from: '5.4.0', statement: '', context: '' }), false);
});
