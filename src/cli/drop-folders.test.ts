import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DropFolderWatcher, isBeingWritten } from './drop-folders.js';

test('names writers use while writing are not imported', () => {
  for (const n of ['nfcapd.current.1234', '.conn.log.swp', 'x.tmp', 'x.part', 'report.csv~']) assert.ok(isBeingWritten(n), n);
  for (const n of ['nfcapd.202406101200', 'conn.2024-06-10-10-00-00.log.gz', '2024-06-01-event4_sinkhole.csv']) assert.ok(!isBeingWritten(n), n);
});

test('a file is imported once it has stayed unchanged for the settle time, and only once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'botcensus-drop-'));
  const ran: string[][] = [];
  const w = new DropFolderWatcher({
    settleMs: 1000,
    log: () => undefined,
    run: async (args) => {
      ran.push(args);
      return { code: 0, out: JSON.stringify([{ status: 'imported', sightings: 1 }]), err: '' };
    },
  });
  w.add([{ dir, intel: false }]);
  mkdirSync(join(dir, 'sub'));
  const f = join(dir, 'sub', 'flows.csv');
  writeFileSync(f, 'a');
  await w.poll(10_000);
  assert.equal(ran.length, 0, 'first seen');
  writeFileSync(f, 'ab'); // still growing
  utimesSync(f, new Date(), new Date(Date.now() + 5000));
  await w.poll(10_500);
  await w.poll(11_000);
  assert.equal(ran.length, 0, 'changed since it was seen');
  await w.poll(11_600);
  assert.deepEqual(ran, [['ingest', '--json', f]]);
  await w.poll(20_000);
  assert.equal(ran.length, 1, 'not again');
  assert.equal(w.status().recent[0]!.status, 'imported');
});
