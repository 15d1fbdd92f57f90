// fingerprints update FROM_DIR: a local copy of Recog installed beside the store with its licence
// and version, replacing the one there, used after the built-in rules; a bad copy changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const FIXTURES = resolve(process.cwd(), 'test/fixtures/identify');

/** A folder laid out as a Recog checkout: xml/, LICENSE, COPYING, lib/recog/version.rb. */
function recogCopy(name: string, xmlFiles: string[], version?: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'xml'), { recursive: true });
  for (const f of xmlFiles) copyFileSync(f, join(root, 'xml', f.replace(/^.*\//, '')));
  writeFileSync(join(root, 'LICENSE'), 'Copyright (c) fixture. BSD-2-Clause\n');
  if (version) {
    mkdirSync(join(root, 'lib', 'recog'), { recursive: true });
    writeFileSync(join(root, 'lib', 'recog', 'version.rb'), `module Recog\n  VERSION = '${version}'\nend\n`);
  }
  return root;
}

const good = readdirSync(join(FIXTURES, 'recog-good')).map((n) => join(FIXTURES, 'recog-good', n));

test('installs a local copy with its licence and version, remembered for identify', () => {
  const from = recogCopy('recog-a', good, '9.8.7');
  const r = cliJson<{ dir: string; version: string; licence: string; licenceFiles: string[]; files: number; passed: number; examples: number }>(['--db', db, 'fingerprints', 'update', from]);
  assert.equal(r.dir, join(dir, 'recog'));
  assert.deepEqual([r.version, r.licence, r.licenceFiles, r.files], ['9.8.7', 'BSD-2-Clause', ['LICENSE'], good.length]);
  assert.equal(r.passed, r.examples);
  assert.deepEqual(readdirSync(r.dir).sort(), ['LICENSE', ...good.map((f) => f.replace(/^.*\//, '')), 'recog-source.json'].sort());
  const id = cli(['--db', db, 'identify']);
  assert.match(id.stdout + id.stderr, new RegExp(`built-in rules \\+ ${join(dir, 'recog').replace(/[/.]/g, '\\$&')}`));
});

test('a second update replaces the copy; an unreadable one is refused with its file named and changes nothing', () => {
  const smaller = recogCopy('recog-b', [good[0]!]);
  const r = cliJson<{ version: string; files: number }>(['--db', db, 'fingerprints', 'update', smaller, '--recog-version', '1.0.0']);
  assert.deepEqual([r.version, r.files], ['1.0.0', 1]);
  assert.equal(readdirSync(join(dir, 'recog')).filter((n) => n.endsWith('.xml')).length, 1);
  const bad = recogCopy('recog-bad', [join(FIXTURES, 'invalid.xml')]);
  const b = cli(['--db', db, 'fingerprints', 'update', bad]);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /invalid\.xml.*invalid XML/);
  assert.doesNotMatch(b.stderr, /\n\s+at /); // no stack trace
  assert.ok(existsSync(join(dir, 'recog', good[0]!.replace(/^.*\//, ''))));
});
