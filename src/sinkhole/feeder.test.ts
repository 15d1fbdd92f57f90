import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseIp } from '../core/ip.js';
import { REPORT_GEO } from '../../test/report-fixture.js';
import { DuckDbStore } from '../store/duckdb/index.js';
import type { CheckIn } from './checkin.js';
import { Feeder, FEEDER_DEFAULTS, highWater } from './feeder.js';
import { FeederGroup } from './feeders.js';
import { JOURNAL_DEFAULTS, Journal } from './journal.js';
import { listSegments } from './journal-files.js';
import { lookupEvidenceOf } from '../match/lookup.js';
import { exportData } from '../report/export.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const checkin = (i: number, src = `127.0.0.${(i % 5) + 2}`): CheckIn => ({ t: T0 + i * 1000, l: 'http', p: 'tcp', src, sp: 40000 + i, dst: '127.0.0.1', dp: 80, n: 'c2.example', q: 'c2.example', path: '/gate', bot: `dev${i}`, fam: 'raptortrain' });

async function journalOf(dir: string, list: CheckIn[], minSeq = 0): Promise<Journal> {
  const j = new Journal({ ...JOURNAL_DEFAULTS, dir }, minSeq);
  await j.start();
  await Promise.all(list.map((c) => new Promise<void>((resolve, reject) => (j.append(c, (ok) => (ok ? resolve() : reject(new Error('not durable')))) ? undefined : reject(new Error('refused'))))));
  await j.stop();
  return j;
}

/** Stored check-ins per bot id, from the sightings' event counts (one device per check-in here). */
async function storedPerBot(store: DuckDbStore, dir: string): Promise<Map<string, number>> {
  const file = join(dir, `sightings-${Math.random()}.json`);
  await exportData(store, 'sightings', 'json', file, {});
  const out = new Map<string, number>();
  for (const line of (await readFile(file, 'utf8')).split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { device_id: string; events: number; kind: string; detail: string };
    assert.equal(r.kind, 'report');
    out.set(r.device_id, (out.get(r.device_id) ?? 0) + Number(r.events));
  }
  return out;
}

describe('feeder', () => {
  let dir: string;
  let store: DuckDbStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcensus-feeder-'));
    store = await DuckDbStore.open(join(dir, 'store.duckdb'), { geo: REPORT_GEO, threads: 1 });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores each journaled check-in once as a confirmed report sighting, in batches, and a restarted feeder stores nothing twice', async () => {
    const jdir = join(dir, 'j1');
    const j = await journalOf(jdir, Array.from({ length: 7 }, (_, i) => checkin(i)));
    const feeder = new Feeder({ ...FEEDER_DEFAULTS, maxBatch: 3 }, { store, dir: jdir, journal: j.id });
    await feeder.start();
    await feeder.stop();
    assert.equal(feeder.stats.written, 7);
    assert.equal(feeder.stats.batches, 3);
    assert.equal(await highWater(store, j.id), 7);
    const imports = (await store.listImports()).filter((i) => i.format === 'sinkhole');
    assert.deepEqual(imports.map((i) => i.file), [`sinkhole ${j.id} 1-3`, `sinkhole ${j.id} 4-6`, `sinkhole ${j.id} 7-7`]);
    // A restart (a fresh feeder reading the journal from its start) skips what the store holds.
    const again = new Feeder(FEEDER_DEFAULTS, { store, dir: jdir, journal: j.id });
    await again.start();
    await again.stop();
    assert.equal(again.stats.written, 0);
    const per = await storedPerBot(store, dir);
    assert.deepEqual([...per.values()], Array(7).fill(1));
    const ev = await lookupEvidenceOf(store, parseIp('127.0.0.2')!);
    assert.equal(ev.evidence[0]!.grade, 'confirmed');
    assert.equal(ev.evidence[0]!.detail, 'sinkhole:c2.example');
  });

  it('skips a torn line a crash left at a segment end and goes on with the next segment; fed segments are deleted', async () => {
    const jdir = join(dir, 'j2');
    const j1 = await journalOf(jdir, [checkin(100), checkin(101)]);
    const [seg] = await listSegments(jdir);
    await appendFile(seg!.file, '{"t":1,"l":"http","src":"127.0.0');
    const j2 = await journalOf(jdir, [checkin(102)]);
    assert.equal(j2.id, j1.id);
    assert.equal(j2.lastSeq, 3);
    const feeder = new Feeder(FEEDER_DEFAULTS, { store, dir: jdir, journal: j1.id });
    await feeder.start();
    await feeder.stop();
    assert.equal(feeder.stats.written, 3);
    assert.equal(feeder.stats.torn, 1);
    assert.equal(feeder.stats.rejected, 0);
    const segs = await listSegments(jdir);
    assert.equal(segs.length, 1, 'the first segment, fed, is gone');
    const per = await storedPerBot(store, dir);
    for (const b of ['dev100', 'dev101', 'dev102']) assert.equal(per.get(b), 1, b);
  });

  it('starts after the highest readable sequence number when the last whole line is damaged', async () => {
    const jdir = join(dir, 'j4');
    const j = await journalOf(jdir, [checkin(300), checkin(301)]);
    const [seg] = await listSegments(jdir);
    await appendFile(seg!.file, '{"s":\u0000broken}\n');
    const j2 = await journalOf(jdir, [checkin(302)]);
    assert.equal(j2.id, j.id);
    assert.equal(j2.lastSeq, 3);
    const f = new Feeder(FEEDER_DEFAULTS, { store, dir: jdir, journal: j.id });
    await f.start();
    await f.stop();
    assert.equal(f.stats.written, 3);
    assert.equal(f.stats.rejected, 1);
    const imports = (await store.listImports()).filter((i) => i.file.startsWith(`sinkhole ${j.id} `));
    assert.equal(imports.reduce((a, i) => a + i.rejected, 0), 1);
  });

  it('numbers a journal that lost its tail past the store\'s high-water mark, so no sequence number is used twice', async () => {
    const jdir = join(dir, 'j3');
    const j = await journalOf(jdir, [checkin(200), checkin(201)]);
    const f = new Feeder(FEEDER_DEFAULTS, { store, dir: jdir, journal: j.id });
    await f.start();
    await f.stop();
    for (const s of await listSegments(jdir)) await rm(s.file);
    const j2 = await journalOf(jdir, [checkin(202)], await highWater(store, j.id));
    assert.equal(j2.lastSeq, 3);
    const f2 = new Feeder(FEEDER_DEFAULTS, { store, dir: jdir, journal: j.id });
    await f2.start();
    await f2.stop();
    assert.equal(f2.stats.written, 1);
    assert.equal((await storedPerBot(store, dir)).get('dev202'), 1);
  });

  it('feeds the journals of several listener processes a batch each in turn, each check-in once', async () => {
    const ja = await journalOf(join(dir, 'ga'), [400, 401, 402, 403, 404].map((i) => checkin(i)));
    const jb = await journalOf(join(dir, 'gb'), [500, 501, 502, 503, 504].map((i) => checkin(i)));
    const group = new FeederGroup({ ...FEEDER_DEFAULTS, maxBatch: 2, share: 1 }, { store, journals: [{ dir: join(dir, 'ga'), id: ja.id }, { dir: join(dir, 'gb'), id: jb.id }] });
    await group.start();
    for (let i = 0; i < 200 && group.stats().written < 10; i++) await new Promise((r) => setTimeout(r, 50));
    await group.stop();
    const order = (await store.listImports()).filter((i) => i.file.startsWith(`sinkhole ${ja.id} `) || i.file.startsWith(`sinkhole ${jb.id} `)).map((i) => i.file.replace(ja.id, 'A').replace(jb.id, 'B'));
    // Neither journal waits for the other to run dry (it may never, under load).
    assert.deepEqual(order, ['sinkhole A 1-2', 'sinkhole B 1-2', 'sinkhole A 3-4', 'sinkhole B 3-4', 'sinkhole A 5-5', 'sinkhole B 5-5']);
    const per = await storedPerBot(store, dir);
    for (const i of [400, 401, 402, 403, 404, 500, 501, 502, 503, 504]) assert.equal(per.get(`dev${i}`), 1);
  });
});

describe('journal', () => {
  it('refuses appends past its bound and writes the accepted ones before their callbacks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botcensus-journal-'));
    try {
      const j = new Journal({ ...JOURNAL_DEFAULTS, dir, maxPending: 5, fsyncIntervalMs: 50 }, 0);
      await j.start();
      const [seg] = await listSegments(dir);
      const inFile: number[][] = [];
      const took = Array.from({ length: 8 }, (_, i) =>
        j.append(checkin(i), (ok) => {
          assert.ok(ok);
          inFile.push((readFileSync(seg!.file, 'utf8').split('\n').filter(Boolean)).map((l) => (JSON.parse(l) as CheckIn).s!));
        }),
      );
      assert.deepEqual(took, [true, true, true, true, true, false, false, false]);
      await j.stop();
      assert.deepEqual(inFile, Array(5).fill([1, 2, 3, 4, 5]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('under ack fsync, answers only once the group fsync is done', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botcensus-journal-'));
    try {
      const j = new Journal({ ...JOURNAL_DEFAULTS, dir, ack: 'fsync', fsyncIntervalMs: 20 }, 0);
      await j.start();
      const fsyncsAtAnswer: number[] = [];
      const fsyncs = () => metricOf(j, 'journal_fsyncs_total');
      await Promise.all([1, 2, 3].map(() => new Promise<void>((resolve) => j.append(checkin(1), () => (fsyncsAtAnswer.push(fsyncs()), resolve())))));
      assert.deepEqual(fsyncsAtAnswer, [1, 1, 1]);
      await j.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function metricOf(j: Journal, name: string): number {
  return j.metrics().find((m) => m.name === name)!.value;
}
