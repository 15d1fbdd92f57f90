// The census stage's questions written once (neutral-windows.ts): on DuckDB the same answers from
// windows computed for the question, from the windows kept for the data version and from the
// per-day fold, and the same on a real ClickHouse 18.16 node and cluster holding the same rows
// (loaded through the driver).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { clickHouseCluster, clickHouseNode } from '../../test/clickhouse.js';
import { openTestStore } from '../../test/store.js';
import { copyRows, withoutKeptTables } from '../../test/window-scenario.js';
import { replaceOwners } from '../notify/owners-sql.js';
import { openClickHouseDriver } from '../store/clickhouse/open.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import { flow, ingest, ingestAcrossMidnight, ip, report, scenario, t } from '../store/conformance/records.js';
import type { CensusDimension, Constituency } from '../store/store.js';
import { census } from './count.js';
import { dailyActive, topIndicators, warninglists } from './dashboard.js';
import { neutralWindows } from './neutral-windows.js';
import { currentFold } from './pair-days.js';
import { victims } from './victims.js';

const ch = await clickHouseNode();
const cluster = await clickHouseCluster();
after(async () => {
  await ch.endpoint?.stop();
  await cluster.endpoint?.stop();
});

const DIMENSIONS: CensusDimension[] = ['country', 'asn', 'org', 'family', 'tag', 'indicator', 'kind', 'grade', 'device', 'vendor', 'device-vendor', 'product', 'cve'];
const VN: Constituency = { countries: ['VN'], asns: [], ranges: [] };
const RANGES: Constituency = { countries: [], asns: [64500], ranges: [[ip('198.51.101.0'), ip('198.51.101.7')]] };
const WINDOWS: { from?: number; to?: number }[] = [
  {},
  { from: t('2024-06-11T00:00:00Z'), to: t('2024-06-12T00:30:00Z') },
  { from: t('2024-06-12T00:10:00Z'), to: t('2024-06-12T00:20:00Z') },
  { from: t('2024-06-12T01:30:00Z') },
];

/** The store: every kind of match, sightings across midnight, owners, devices (one on two addresses), a KEV exposure. */
async function built() {
  const store = await scenario(await openTestStore());
  await ingestAcrossMidnight(store);
  await ingest(store, [report('192.0.3.202', 'D2', '2024-06-12T05:00:00Z')]);
  const base = { emails: [], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
  await replaceOwners(store, [
    { ...base, name: 'Example Telecom', asns: [64500, 64501], cidrs: [] },
    { ...base, name: 'Customer /28', asns: [], cidrs: ['192.0.3.0/28'] },
    { ...base, name: 'Mobile', asns: [], cidrs: ['198.51.101.0/24'] },
  ]);
  const d = store.driver;
  const span = { first_seen: t('2024-06-01T00:00:00Z'), last_seen: t('2024-06-30T00:00:00Z') };
  const device = (name: string, stable: boolean, vendor: string | null, product: string | null, type: string | null) => ({
    device: name, stable, vendor, product, device_type: type, certainty: 1, addresses: 1, services: 1, ...span,
  });
  await d.load(table('device_identities'), [
    device('ssh:router-a', true, 'MikroTik', 'RouterOS', 'router'),
    device('ip:192.0.3.3', false, 'Hikvision', null, 'camera'),
    device('ssh:far-away', true, 'Zyxel', 'NAS326', 'nas'),
  ]);
  await d.load(table('device_addresses'), [
    { device: 'ssh:router-a', ip: ip('198.51.101.7'), stable: true, ...span },
    { device: 'ssh:router-a', ip: ip('198.51.101.9'), stable: true, ...span },
    { device: 'ip:192.0.3.3', ip: ip('192.0.3.3'), stable: false, ...span },
    // Held the address months before its sightings: beyond the identification's reach.
    { device: 'ssh:far-away', ip: ip('192.0.3.1'), stable: true, first_seen: t('2023-01-01T00:00:00Z'), last_seen: t('2023-02-01T00:00:00Z') },
  ]);
  await d.load(table('kev'), [{ cve_id: 'CVE-2023-30799', import_id: 99, vendor_project: 'MikroTik', product: 'RouterOS', vulnerability_name: 'MikroTik RouterOS Privilege Escalation' }]);
  await d.load(table('exposures'), [{ device: 'ssh:router-a', cve_id: 'CVE-2023-30799', level: 'product-level', matched_on: 'product' }]);
  return store;
}

/** Every question the census stage answers, over a range of scopes and windows. */
async function answers(src: { driver: Driver }): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [i, w] of WINDOWS.entries()) {
    for (const by of DIMENSIONS) out[`${i} ${by}`] = await census(src, { by, measure: 'window', ...w, top: 3 });
    out[`${i} two-way`] = await census(src, { by: 'country', measure: 'window', ...w, top: 10, minGrade: 'two-way' });
    out[`${i} confirmed totals`] = await census(src, { by: 'grade', measure: 'window', ...w, top: 1, minGrade: 'confirmed', totalsOnly: true });
    out[`${i} VN`] = await census(src, { by: 'asn', measure: 'window', ...w, top: 10, constituency: VN });
    out[`${i} ranges`] = await census(src, { by: 'family', measure: 'window', ...w, top: 10, constituency: RANGES, includeWarned: true });
    out[`${i} outside too`] = await census(src, { by: 'country', measure: 'window', ...w, top: 10, constituency: VN, includeOutside: true });
    for (const owner of ['Customer /28', 'Example Telecom', 'Mobile', 'Nobody'])
      out[`${i} owner ${owner}`] = await census(src, { by: 'indicator', measure: 'window', ...w, top: 10, owner });
    out[`${i} victims`] = await victims(src, w);
    out[`${i} victims VN page 2`] = await victims(src, { ...w, country: 'vn', limit: 1, offset: 1 });
    out[`${i} victims special`] = await victims(src, { ...w, country: 'special' });
    out[`${i} victims AS`] = await victims(src, { ...w, asn: 64502, family: 'raptor-train' });
    out[`${i} victims owner`] = await victims(src, { ...w, owner: 'Mobile', constituency: RANGES });
    out[`${i} top`] = await topIndicators(src, { ...w, limit: 10 });
    out[`${i} top owner`] = await topIndicators(src, { ...w, limit: 2, owner: 'Customer /28', minGrade: 'two-way' });
  }
  out.daily = await dailyActive(src, { from: t('2024-06-09T00:00:00Z'), to: t('2024-06-14T00:00:00Z') });
  out['daily scoped'] = await dailyActive(src, { from: t('2024-06-10T00:00:00Z'), to: t('2024-06-13T00:00:00Z'), constituency: VN, minGrade: 'two-way' });
  out.warninglists = await warninglists(src);
  return out;
}

/** The answers that name owners, over all time. */
async function ownerAnswers(src: { driver: Driver }): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const owner of ['Customer /28', 'Example Telecom', 'Mobile']) out[`owner ${owner}`] = await census(src, { by: 'indicator', measure: 'window', top: 10, owner });
  out.victims = await victims(src, {});
  return out;
}

/** The newest fold number of pair_days' rows: at most the previous fold's rows are kept beside it. */
async function foldRows(d: Driver): Promise<number> {
  const r = (await d.all<{ fold: number }>(sql`SELECT DISTINCT fold FROM pair_days ORDER BY fold`)).map((x) => Number(x.fold));
  assert.ok(r.length === 1 || r.length === 2, JSON.stringify(r));
  return r.at(-1)!;
}

/** Every answer equal; where one is not, the first such is shown whole. */
function sameAnswers(got: Record<string, unknown>, expected: Record<string, unknown>): void {
  const differing = Object.keys(expected).filter((k) => !isDeepStrictEqual(got[k], expected[k]));
  if (differing.length) assert.deepEqual({ [differing[0]!]: got[differing[0]!] }, { [differing[0]!]: expected[differing[0]!] }, `differ: ${differing.join(', ')}`);
}

test('the census questions give the same answers from kept windows, from windows computed for the question and from the per-day fold (DuckDB)', async () => {
  const store = await built();
  const computed = { driver: withoutKeptTables(store.driver) };
  const kept = await answers(computed);
  sameAnswers(await answers(store), kept);
  sameAnswers(await answers(store), kept);
  // From the per-day fold once prepared; from the sightings again once an import changes them.
  const windows = neutralWindows(store.driver);
  await windows.prepare();
  assert.equal(await currentFold(store.driver), await foldRows(store.driver));
  sameAnswers(await answers(computed), kept);
  sameAnswers(await answers(store), kept);
  await ingest(store, [flow('192.0.3.9', '203.0.113.10', '2024-06-12T00:40:00Z'), flow('203.0.113.10', '192.0.3.9', '2024-06-13T23:59:00Z')]);
  assert.equal(await currentFold(store.driver), undefined);
  const later = await answers(store);
  assert.notDeepEqual(later['0 country'], kept['0 country']);
  sameAnswers(await answers(computed), later);
  await windows.prepare();
  assert.equal(await currentFold(store.driver), await foldRows(store.driver));
  sameAnswers(await answers(store), later);
  sameAnswers(await answers(computed), later);
  // The answers are not empty: devices, owners, windows and exposures all take part.
  assert.equal((kept['0 country'] as { unit: string }).unit, 'devices');
  assert.ok((kept['0 cve'] as { rows: { key: string }[] }).rows.some((r) => r.key === 'CVE-2023-30799'));
  assert.ok((kept['1 victims'] as unknown[]).length > 0);
  await store.close();
});

for (const [name, server] of [['ClickHouse 18.16', ch], ['a two-shard ClickHouse 18.16 cluster', cluster]] as const) test(`the census questions give the same answers on ${name} as on DuckDB`, { skip: server.skip }, async () => {
  const store = await built();
  const expected = await answers(store);
  const driver = await openClickHouseDriver(server.endpoint!.freshUrl());
  try {
    await copyRows(store.driver, driver);
    sameAnswers(await answers({ driver }), expected);
    await neutralWindows(driver).prepare();
    assert.equal(await currentFold(driver), await foldRows(driver));
    sameAnswers(await answers({ driver }), expected);
    // A new contact database: ClickHouse keeps the earlier rows unseen, and no owner of them counts.
    const owners = [{ name: 'Mobile', asns: [64501], cidrs: ['198.51.101.0/28'], emails: [], language: 'en', intervalDays: 7, format: 'csv-attachment' as const }];
    const before = await ownerAnswers(store);
    await replaceOwners(store, owners);
    await replaceOwners({ driver }, owners);
    const again = await ownerAnswers(store);
    assert.notDeepEqual(again, before, 'the new contact database changes the answers');
    sameAnswers(await ownerAnswers({ driver }), again);
  } finally {
    await driver.close();
    await store.close();
  }
});
