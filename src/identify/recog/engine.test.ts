// The Recog engine on small fixture databases: loading, params and interpolation, first-match
// order, base64 examples, key defaults, and the self-test's failure reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { BotcensusError } from '../../core/errors.js';
import { tempDir } from '../../../test/tmp.js';
import { RecogDb } from './db.js';
import { loadRecogDir, loadRecogFile } from './load.js';
import { selfTest } from './fingerprints-selftest.js';

const FIX = resolve('test/fixtures/identify');
const good = () => new RecogDb(loadRecogDir(resolve(FIX, 'recog-good')));

test('loads files in name order with their keys, protocol and preference', () => {
  const files = loadRecogDir(resolve(FIX, 'recog-good'));
  assert.deepEqual(files.map((f) => f.key), ['test.banner', 'telnet.banner', 'widget_replies']);
  assert.equal(files[0]!.protocol, 'testproto');
  assert.equal(files[0]!.preference, 0.5);
  assert.equal(files[2]!.protocol, '');
  const acme = files[0]!.fingerprints[0]!;
  assert.equal(acme.description, 'Acme router with firmware', 'whitespace in <description> is collapsed');
  assert.equal(acme.certainty, 0.75);
  assert.equal(files[0]!.fingerprints.length, 10);
});

test('captures and fixed values become a flat record, with interpolation', () => {
  const m = good().matchFirst('test.banner', 'Acme Router AR100 fw 2.1');
  assert.deepEqual(m?.params, {
    'hw.vendor': 'Acme',
    'hw.product': 'AR100',
    'os.version': '2.1',
    'os.cpe23': 'cpe:/o:acme:AR100_firmware:2.1',
    'service.protocol': 'testproto',
    fingerprint_db: 'test.banner',
  });
  assert.equal(m?.fingerprint.description, 'Acme router with firmware');
});

test('a missing optional version becomes "-" in a cpe23 value and the capture is left out', () => {
  const m = good().matchFirst('test.banner', 'Gizmo');
  assert.equal(m?.params['service.cpe23'], 'cpe:/a:gizmo:gizmo:-');
  assert.equal('service.version' in (m?.params ?? {}), false);
  assert.equal(good().matchFirst('test.banner', 'Gizmo v3.1')?.params['service.cpe23'], 'cpe:/a:gizmo:gizmo:3.1');
});

test('flags and inline modifiers behave as in Ruby', () => {
  const db = good();
  assert.equal(db.matchFirst('test.banner', 'ACME SWITCH')?.params['hw.device'], 'Switch');
  assert.equal(db.matchFirst('test.banner', 'Welcome\r\nto the box\r\nready')?.params['service.product'], 'Greeter');
  assert.equal(db.matchFirst('test.banner', 'Banner: a\nb END')?.params['service.info'], ' a\nb ');
  assert.equal(db.matchFirst('test.banner', 'login: PLEASE now')?.params['service.product'], 'Login');
  assert.equal(db.matchFirst('test.banner', 'LOGIN: please now'), undefined, 'only the (?i:) group ignores case');
});

test('the first matching fingerprint in file order wins', () => {
  const db = good();
  assert.equal(db.matchFirst('test.banner', 'Thing Pro 3')?.params['hw.product'], 'Thing Pro');
  assert.equal(db.matchFirst('test.banner', 'Thing Pro X')?.params['hw.product'], 'Thing');
});

test('files added later are consulted only after earlier ones', () => {
  const dir = tempDir();
  writeFileSync(
    resolve(dir, 'late.xml'),
    `<fingerprints matches="test.banner"><fingerprint pattern="^Thing Pro"><description>late</description><param pos="0" name="hw.product" value="Late"/></fingerprint>` +
      `<fingerprint pattern="^Only late$"><description>only late</description><param pos="0" name="hw.product" value="OnlyLate"/></fingerprint></fingerprints>`,
  );
  const db = good().add(loadRecogDir(dir));
  assert.equal(db.matchFirst('test.banner', 'Thing Pro 3')?.params['hw.product'], 'Thing Pro');
  assert.equal(db.matchFirst('test.banner', 'Only late')?.params['hw.product'], 'OnlyLate');
  assert.deepEqual(db.stats(), { files: 4, fingerprints: 14, unsupported: 0 });
});

test('base64 examples are decoded to bytes before matching', () => {
  const file = loadRecogDir(resolve(FIX, 'recog-good'))[0]!;
  const bin = file.fingerprints.find((f) => f.description.startsWith('Binary'))!;
  assert.equal(bin.examples[0]!.base64, true);
  assert.equal(bin.examples[0]!.text, '\x00\x01BIN7 rest');
  assert.deepEqual(bin.examples[0]!.expect, { 'service.version': '7' });
});

test('a file without matches takes its name as key; telnet_banners is aliased to telnet.banner', () => {
  const db = good();
  assert.equal(db.matchFirst('telnet.banner', 'Box login: ')?.params['hw.product'], 'Box');
  assert.equal(db.matchFirst('widget_replies', 'widget 5')?.params['service.protocol'], '');
  assert.equal(db.matchFirst('test.banner', 'Proto custom')?.params['service.protocol'], 'custom');
});

test('the self-test passes every example of the good fixtures', () => {
  const r = selfTest(resolve(FIX, 'recog-good'));
  assert.deepEqual([r.total, r.passed], [13, 13]);
  assert.deepEqual(r.files.map((f) => [f.file, f.examples, f.failed.length]), [
    ['banner_things.xml', 11, 0],
    ['telnet_banners.xml', 1, 0],
    ['widget_replies.xml', 1, 0],
  ]);
});

test('the self-test explains each failure', () => {
  const r = selfTest(resolve(FIX, 'recog-bad'));
  assert.deepEqual([r.total, r.passed], [7, 1]);
  const reasons = r.files[0]!.failed.map((f) => `${f.fingerprint} | ${f.reason}`);
  assert.deepEqual(reasons, [
    '#0 Wrong expected capture | param service.version: expected "2", got "1"',
    '#1 Example does not match | its own pattern does not match',
    '#2 Shadowed by the first fingerprint | shadowed: earlier fingerprint #0 "Wrong expected capture" matches first',
    '#3 Atomic group | unsupported pattern: atomic group (?>…) (JS has no atomic groups)',
    '#4 Interpolates a value that does not exist | interpolation error: service.product interpolates {hw.model}, which has no value',
    '#6 Shadowed by one without examples | shadowed: earlier fingerprint #5 "No examples of its own" matches first (which has no examples, so Recog\'s own spec does not flag this)',
  ]);
});

test('matchFirst skips a match whose interpolation fails and unsupported patterns', () => {
  const db = new RecogDb(loadRecogDir(resolve(FIX, 'recog-bad')));
  assert.equal(db.matchFirst('bad.banner', 'Eps a'), undefined);
  assert.equal(db.matchFirst('bad.banner', 'Deltax'), undefined);
  assert.equal(db.stats().unsupported, 1);
});

test('invalid XML is a BAD_INPUT error with the line', () => {
  assert.throws(
    () => loadRecogFile(resolve(FIX, 'invalid.xml')),
    (e: unknown) => e instanceof BotcensusError && e.code === 'BAD_INPUT' && e.where.line !== undefined && /invalid XML/.test(e.message),
  );
  assert.throws(() => loadRecogDir(resolve(FIX, 'no-such-dir')), (e: unknown) => e instanceof BotcensusError && e.code === 'UNREADABLE');
});
