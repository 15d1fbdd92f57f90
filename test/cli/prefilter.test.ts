// ingest --prefilter through the command line: what it says it dropped, and what `imports` records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

/**
 * A store holding one indicator (203.0.113.10) and a prefiltered import of 50 flows, flow i from
 * 192.0.2.i to to(i); returns the folder, the store and what ingest said.
 */
function prefilteredStore(to: (i: number) => string) {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  writeFileSync(join(dir, 'iocs.txt'), '203.0.113.10\n');
  const rows = ['firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows'];
  for (let i = 0; i < 50; i++) rows.push(`2024-06-10 10:00:${String(i).padStart(2, '0')}.000,1.0,TCP,192.0.2.${i},40000,${to(i)},443,1,100,1`);
  writeFileSync(join(dir, 'flows.csv'), rows.join('\n') + '\n');
  assert.equal(cli(['--db', db, 'intel', 'import', join(dir, 'iocs.txt')]).status, 0);
  const ingest = cli(['--db', db, 'ingest', '--prefilter', join(dir, 'flows.csv')]);
  assert.equal(ingest.status, 0, ingest.stderr);
  return { dir, db, ingest };
}

test('ingest --prefilter reports the flows it did not store, and imports lists them', () => {
  const { db, ingest: r } = prefilteredStore((i) => (i % 10 ? '198.51.100.1' : '203.0.113.10'));
  assert.match(r.stdout, /50 records from 51 lines, 0 rejected, 45 far from every indicator and not stored, 5 new sightings/);
  const imports = cliJson<{ kind: string; records: number; prefiltered?: number }[]>(['--db', db, 'imports']);
  assert.deepEqual(imports.filter((x) => x.kind === 'telemetry').map((x) => [x.records, x.prefiltered]), [[50, 45]]);
  assert.match(cli(['--db', db, 'imports']).stdout, /records=50 rejected=0 prefiltered=45 /);
});

test('intel import scans a prefiltered flow file again and says what it found, and what it could not read', () => {
  // 5 flows to the indicator, 40 to 198.51.100.1, 5 to 100.64.0.1.
  const { dir, db } = prefilteredStore((i) => (i % 10 === 0 ? '203.0.113.10' : i % 10 === 1 ? '100.64.0.1' : '198.51.100.1'));
  writeFileSync(join(dir, 'later.txt'), '198.51.100.1\n');
  const r = cli(['--db', db, 'intel', 'import', join(dir, 'later.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 indicators, 0 rejected, 40 new sightings/);
  assert.match(r.stdout, /1 prefiltered flow file\(s\) read again: 40 flows near the new indicators stored/);
  assert.match(cli(['--db', db, 'imports']).stdout, /records=50 rejected=0 prefiltered=5 /);
  // The file gone: the next import says which prefiltered import it could not read, and why.
  rmSync(join(dir, 'flows.csv'));
  writeFileSync(join(dir, 'later2.txt'), '100.64.0.1\n');
  const gone = cli(['--db', db, 'intel', 'import', join(dir, 'later2.txt')]);
  assert.equal(gone.status, 0, gone.stderr);
  assert.match(gone.stdout, /0 new sightings\n {2}1 prefiltered import\(s\) not read again: .*\n {4}#2 .*flows\.csv: no longer at .*flows\.csv\n/);
  assert.match(cli(['--db', db, 'imports']).stdout, /prefiltered=5 /);
});

test('several intel files in one command: the prefiltered file is read again once, for all their indicators', () => {
  // 10 flows each to the indicator, 198.51.100.1 and 100.64.0.1; 20 to 100.65.0.1.
  const { dir, db } = prefilteredStore((i) => ['203.0.113.10', '198.51.100.1', '100.64.0.1', '100.65.0.1', '100.65.0.1'][i % 5]!);
  writeFileSync(join(dir, 'a.txt'), '198.51.100.1\n');
  writeFileSync(join(dir, 'b.txt'), '100.64.0.1\n');
  writeFileSync(join(dir, 'b-again.txt'), '100.64.0.1\n');
  type R = { status: string; file: string; sightings?: number; rescan?: { files: number; flows: number } };
  const out = cliJson<R[]>(['--db', db, 'intel', 'import', '--json', ...['a.txt', 'b.txt', 'b-again.txt'].map((f) => join(dir, f))]);
  assert.deepEqual(
    out.map((r) => [r.status, r.sightings, r.rescan && [r.rescan.files, r.rescan.flows]]),
    [
      ['imported', 10, [1, 20]],
      ['imported', 10, undefined],
      ['duplicate', undefined, undefined],
    ],
  );
  assert.match(cli(['--db', db, 'imports']).stdout, /records=50 rejected=0 prefiltered=20 /);
});

test('imports rescan --move: a prefiltered file that moved is read where it is now, for the indicators it missed', () => {
  // 5 flows each to the indicator and to 100.64.0.1; 40 to 198.51.100.1.
  const { dir, db } = prefilteredStore((i) => (i % 10 === 0 ? '203.0.113.10' : i % 10 === 1 ? '100.64.0.1' : '198.51.100.1'));
  renameSync(join(dir, 'flows.csv'), join(dir, 'moved.csv'));
  writeFileSync(join(dir, 'later.txt'), '100.64.0.1\n');
  const missed = cli(['--db', db, 'intel', 'import', join(dir, 'later.txt')]);
  assert.match(missed.stdout, /0 new sightings\n {2}1 prefiltered import\(s\) not read again/);
  assert.match(missed.stdout, /botcensus imports rescan --move <id>=<new path>/);

  const wrong = cli(['--db', db, 'imports', 'rescan', '--move', `2=${join(dir, 'later.txt')}`]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /later\.txt.*not the file of import #2 .*SHA-256 differs/);
  assert.notEqual(cli(['--db', db, 'imports', 'rescan', '--move', 'two=/x']).status, 0);

  const r = cli(['--db', db, 'imports', 'rescan', '--move', `2=${join(dir, 'moved.csv')}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 prefiltered flow file\(s\) read again: 5 flows near the stored indicators stored/);
  assert.match(cli(['--db', db, 'imports']).stdout, /records=50 rejected=0 prefiltered=40 /);
  const victims = cliJson<{ ip: string }[]>(['--db', db, 'victims', '--json']);
  assert.equal(victims.length, 10, 'the 5 to the first indicator, and the 5 to the one imported while the file was away');
  // Caught up: nothing more to read.
  const again = cliJson<{ files: number; flows: number; covered: number[]; skipped: unknown[] }>(['--db', db, 'imports', 'rescan', '--json']);
  assert.deepEqual(again, { ...again, files: 0, flows: 0, covered: [2], skipped: [] });
  assert.match(cli(['--db', db, 'imports', 'rescan']).stdout, /nothing to do/);
});
