// The day fold (victim_days) behind the daily trend: kept with the sightings through every change,
// and a trend read from it that equals a census of each day.
import { ensureVictimFold } from './victim-fold.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { WarningEntry } from '../core/model/indicator.js';
import type { DailyQuery } from '../census/dashboard.js';
import type { CensusQuery } from '../store/store.js';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { refoldAllDays } from './day-fold.js';
import { counts, DAY, flow, grace, ind, ingest, intel, ip, meta, scenario, t, warninglist } from '../store/conformance/records.js';
import { importIntel } from './import.js';
import { census } from '../census/count.js';
import { dailyActive } from '../census/dashboard.js';
import { prepareForQueries } from '../census/prepare.js';

const cidr32 = (list: string, a: string): WarningEntry => ({ list, kind: 'cidr', value: `${a}/32`, lo: ip(a), hi: ip(a) });

test('the daily trend equals a census of each UTC day: sightings across midnight, days the range cuts, warninglisted and outside victims', async () => {
  const store = await openTestStore();
  await scenario(store);
  await warninglist(store, [cidr32('Research scanners', '192.0.3.40')]);
  await ingest(store, [
    flow('192.0.3.30', '203.0.113.10', '2024-06-11T23:30:00Z', { te: t('2024-06-12T00:30:00Z') }), // across one midnight
    flow('192.0.3.31', '203.0.113.10', '2024-06-12T22:00:00Z', { te: t('2024-06-14T02:00:00Z') }), // across two
    flow('198.51.101.20', '203.0.113.10', '2024-06-13T08:00:00Z'),
    flow('198.51.101.20', '203.0.113.10', '2024-06-14T08:00:00Z'),
    flow('198.51.101.21', '203.0.113.10', '2024-06-12T10:00:00Z'), // out on the 12th, the reply on the 13th
    flow('192.0.3.40', '203.0.113.10', '2024-06-12T09:00:00Z'), // warninglisted victim
    flow('192.0.3.40', '203.0.113.10', '2024-06-13T09:00:00Z'),
  ]);
  // The replies come in a later import: the pair is two-way on the 13th only for 198.51.101.20.
  await ingest(store, [flow('203.0.113.10', '198.51.101.20', '2024-06-13T20:00:00Z'), flow('203.0.113.10', '198.51.101.21', '2024-06-13T10:00:00Z')]);

  const vn = { countries: ['VN'], asns: [], ranges: [] };
  const scopes: Omit<DailyQuery, 'from' | 'to'>[] = [
    {},
    { includeWarned: true },
    { constituency: vn },
    { constituency: vn, includeOutside: true },
    { minGrade: 'two-way' },
    { minGrade: 'confirmed' },
  ];
  // The range starts and ends inside a day: every day it touches gets a row.
  const range = { from: t('2024-06-09T13:00:00Z'), to: t('2024-06-14T05:00:00Z') };
  const censusOfEachDay = async () => {
    const out: number[][] = [];
    for (const scope of scopes) {
      const days = await dailyActive(store, { ...range, ...scope });
      assert.deepEqual(days.map((d) => d.day), ['2024-06-09', '2024-06-10', '2024-06-11', '2024-06-12', '2024-06-13', '2024-06-14']);
      for (const d of days) {
        const from = Date.parse(`${d.day}T00:00:00Z`);
        const q: CensusQuery = { by: 'country', measure: 'window', from, to: from + DAY - 1, top: 1, ...scope };
        assert.equal(d.victims, (await census(store, q)).total, `${JSON.stringify(scope)} ${d.day}`);
      }
      out.push(days.map((d) => d.victims));
    }
    return out;
  };
  const before = await censusOfEachDay();
  assert.deepEqual(before[0], [0, 1, 3, 5, 3, 2]);
  assert.deepEqual(before[1], [0, 1, 3, 6, 4, 2], 'the warninglisted victim counts when asked');
  assert.deepEqual(before[2], [0, 0, 2, 1, 2, 1], 'VN victims only');
  assert.deepEqual(before[4], [0, 1, 0, 2, 1, 0], 'two-way: 192.0.3.1 on the 10th, report devices on the 12th, 198.51.101.20 on the 13th');
  // Each day a sighting touches, and only those.
  const one = async (a: string) =>
    (await dailyActive(store, { ...range, constituency: { countries: [], asns: [], ranges: [[ip(a), ip(a)]] } })).map((d) => d.victims);
  assert.deepEqual(await one('192.0.3.30'), [0, 0, 1, 1, 0, 0]);
  assert.deepEqual(await one('192.0.3.31'), [0, 0, 0, 1, 1, 1]);
  // The same answers once the per-day fold serves the census' windows.
  await prepareForQueries(store);
  assert.deepEqual(await censusOfEachDay(), before);
  await store.close();
});

test('the day fold, kept through every change to the sightings, equals one folded from scratch', async () => {
  const path = join(tempDir(), 'days.duckdb');
  let store = await openTestStore(path);
  const kept = () => store.db.all<{ victim: bigint; day: Date; grade: number }>(`SELECT * FROM victim_days ORDER BY victim, day`);
  const same = async (step: string) => {
    const before = await kept();
    await refoldAllDays(store.driver);
    assert.deepEqual(before, await kept(), step);
    return before;
  };
  const gradeOn = (rows: { victim: bigint; day: Date; grade: number }[], a: string, day: string) =>
    rows.find((r) => r.victim === ip(a) && r.day.toISOString().startsWith(day))?.grade;
  await intel(store, [ind('ip', '203.0.113.10')]);
  await ingest(store, [
    flow('192.0.3.5', '203.0.113.10', '2024-06-12T15:00:00Z'),
    flow('192.0.3.5', '203.0.113.10', '2024-06-12T23:00:00Z', { te: t('2024-06-13T01:00:00Z') }),
    flow('192.0.3.6', '203.0.113.10', '2024-06-12T15:00:00Z'),
    flow('198.51.101.9', '203.0.113.77', '2024-06-12T15:00:00Z'),
  ]);
  const first = await same('first import');
  assert.deepEqual(first.map((r) => [r.day.toISOString().slice(0, 10), r.grade]), [
    ['2024-06-12', 1],
    ['2024-06-13', 1],
    ['2024-06-12', 1],
  ]);
  // The reply, in the next import, on the same day as the outgoing flows: two-way that day only.
  await ingest(store, [flow('203.0.113.10', '192.0.3.5', '2024-06-12T16:00:00Z')]);
  const reply = await same('the reply, same day, later import');
  assert.equal(gradeOn(reply, '192.0.3.5', '2024-06-12'), 2);
  assert.equal(gradeOn(reply, '192.0.3.5', '2024-06-13'), 1);
  // New intel matched against stored telemetry ...
  await intel(store, [ind('ip', '203.0.113.77')], 'b');
  assert.equal(gradeOn(await same('retroactive match'), '198.51.101.9', '2024-06-12'), 1);
  // ... intel naming a victim as an indicator withdraws its days ...
  await intel(store, [ind('ip', '192.0.3.6')], 'c');
  assert.equal(gradeOn(await same('victim became an indicator'), '192.0.3.6', '2024-06-12'), undefined);
  // ... and so does a warninglist over the indicator its sightings went through.
  await importIntel(store, { meta: meta('warninglist', 'misp'), counts: counts(1), indicators: [], warnings: [cidr32('Known good', '203.0.113.77')] }, grace);
  const last = await same('warninglisted indicator');
  assert.deepEqual([...new Set(last.map((r) => r.victim))], [ip('192.0.3.5')]);
  // A store from before the day fold (or folded by other rules) is folded whole when opened for work (the CLI's and the server's opening).
  await store.db.run(`DELETE FROM victim_days`);
  await store.db.run(`DELETE FROM meta WHERE key = 'victim_days'`);
  await store.close();
  store = await openTestStore(path);
  await ensureVictimFold(store.driver);
  assert.deepEqual(await kept(), last);
  await store.close();
});
