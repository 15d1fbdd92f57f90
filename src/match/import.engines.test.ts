// Intel import and telemetry ingest written once: the same files imported into a DuckDB store, into
// one on a real ClickHouse 18.16 node and into one on a two-shard cluster give the same sightings, the same victim and day folds
// (kept through every import equal to folds built from scratch) and the same census.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../test/engines.js';
import { census } from '../census/count.js';
import { dailyActive } from '../census/dashboard.js';
import { victims } from '../census/victims.js';
import { victimCount } from '../census/victim-counts.js';
import type { Driver } from '../store/driver.js';
import { sql } from '../store/sql.js';
import type { Store } from '../store/store.js';
import { flow, ind, ingest, ingestAcrossMidnight, intel, report, scenario, t, warninglist, ip } from '../store/conformance/records.js';
import { refoldAll } from './victim-fold.js';

const engines = await testEngines({ cluster: true });

/** A value as text, so that both engines' row values compare (bigint or number, Date, 1 or true). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const rows = async (d: Driver, q: ReturnType<typeof sql>) => (await d.all(q)).map(plain);

/** What the imports left: sightings, both folds (rows readers see), and the census's answers. */
async function state(store: Store) {
  const d = store.driver;
  const visible = (a: string) => d.dialect.visibleRows(sql.ident(a));
  return {
    sightings: await rows(
      d,
      sql`SELECT s.victim, s.indicator_id, s.kind, s.hour, s.first_seen, s.last_seen, s.events, s.bytes, s.to_indicator, s.from_indicator, s.answered, s.device_id, s.family, s.detail
          FROM sightings s WHERE ${visible('s')} ORDER BY s.victim, s.indicator_id, s.kind, s.hour, s.first_seen`,
    ),
    victimFold: await rows(
      d,
      sql`SELECT v.victim, v.grade, v.device, v.first_seen, v.last_seen, v.first_end, v.last_start, v.events FROM victim_fold v
          WHERE ${visible('v')} AND v.grade > 0 ORDER BY v.victim`,
    ),
    victimDays: await rows(d, sql`SELECT y.victim, y.day, y.grade FROM victim_days y WHERE ${visible('y')} AND y.grade > 0 ORDER BY y.victim, y.day`),
    victimCount: await victimCount(d),
    census: [
      plain(await census(store, { by: 'country', measure: 'window', top: 10 })),
      plain(await census(store, { by: 'family', measure: 'window', top: 10, from: t('2024-06-11T00:00:00Z'), to: t('2024-06-12T12:00:00Z') })),
      plain(await census(store, { by: 'grade', measure: 'cumulative', top: 10 })),
    ],
    victims: plain(await victims(store, {})),
    daily: plain(await dailyActive(store, { from: t('2024-06-09T00:00:00Z'), to: t('2024-06-14T00:00:00Z') })),
  };
}

/** The folds as kept through the imports equal the folds built from scratch. */
async function foldsKept(store: Store, step: string): Promise<void> {
  const before = await state(store);
  await store.driver.atomically(() => refoldAll(store.driver));
  const after = await state(store);
  assert.deepEqual(after.victimFold, before.victimFold, `${step}: victim fold`);
  assert.deepEqual(after.victimDays, before.victimDays, `${step}: day fold`);
}

/** Intel, warninglists and telemetry in several imports: retroactive matches, replies in a later import, sightings across midnight. */
async function imported(store: Store) {
  await scenario(store);
  await foldsKept(store, 'scenario');
  await ingestAcrossMidnight(store);
  await ingest(store, [
    flow('192.0.3.31', '203.0.113.10', '2024-06-12T22:00:00Z', { te: t('2024-06-14T02:00:00Z') }), // across two midnights
    flow('198.51.101.21', '203.0.113.10', '2024-06-12T10:00:00Z'),
    report('192.0.3.202', 'D2', '2024-06-12T05:00:00Z'),
  ]);
  // The replies, a later import: one the same day (two-way), one the next day.
  await ingest(store, [flow('203.0.113.10', '198.51.101.21', '2024-06-12T11:00:00Z'), flow('203.0.113.10', '192.0.3.31', '2024-06-14T01:00:00Z')]);
  await foldsKept(store, 'replies');
  // Intel matched against stored telemetry.
  await ingest(store, [flow('198.51.101.30', '203.0.113.77', '2024-06-13T09:00:00Z', { revBytes: 10 })]);
  await intel(store, [ind('ip', '203.0.113.77')], 'later');
  await foldsKept(store, 'retroactive');
  return state(store);
}

test('intel import and ingest give the same sightings, folds and census on DuckDB, on ClickHouse and on a cluster, the folds kept equal to folds from scratch', async (t) => {
  const states = [];
  for (const e of engines) {
    if (e.skip) {
      t.diagnostic(`${e.name} skipped: ${e.skip}`);
      continue;
    }
    const store = await e.open();
    const s = await imported(store);
    assert.ok(s.sightings.length >= 12, `${e.name}: sightings ${s.sightings.length}`);
    assert.equal(s.victimCount, s.victimFold.length, `${e.name}: one fold row per victim`);
    states.push(s);
    await store.close();
  }
  for (const s of states.slice(1)) for (const k of Object.keys(s) as (keyof typeof s)[]) assert.deepEqual(s[k], states[0]![k], k);
});

test('a victim that turns out to be an indicator, and a warninglisted indicator, leave both folds, on DuckDB, on ClickHouse and on a cluster', async () => {
  const out = [];
  for (const e of engines.filter((x) => !x.skip)) {
    const store = await e.open();
    await scenario(store);
    await intel(store, [ind('ip', '192.0.3.1')], 'victim-is-indicator');
    await warninglist(store, [{ list: 'Known good', kind: 'cidr', value: '203.0.113.50/32', lo: ip('203.0.113.50'), hi: ip('203.0.113.50') }]);
    await foldsKept(store, e.name);
    const s = await state(store);
    assert.ok(!s.victimFold.some((r) => (r as { victim: string }).victim === String(ip('192.0.3.1'))), `${e.name}: the indicator is no victim`);
    assert.ok(!s.victimFold.some((r) => (r as { victim: string }).victim === String(ip('198.51.101.9'))), `${e.name}: warninglisted indicator's victim`);
    out.push(s);
    await store.close();
  }
  for (const s of out.slice(1)) for (const k of Object.keys(s) as (keyof typeof s)[]) assert.deepEqual(s[k], out[0]![k], k);
});
