// A store for the questions read from the census's windows (victim pages, exports, networks
// without a contact, compromised devices), and the test that holds a stage's questions to the same
// answers on every engine: on DuckDB from windows computed for the question, from the windows it
// keeps for the data version (src/census/neutral-windows.ts) and from the per-day fold, and the same
// on a real ClickHouse 18.16 node holding the same rows (copied through the driver).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { CensusSource } from '../src/census/count.js';
import { neutralWindows } from '../src/census/neutral-windows.js';
import { replaceOwners } from '../src/notify/owners-sql.js';
import { openClickHouseDriver } from '../src/store/clickhouse/open.js';
import { flow, ingest, ingestAcrossMidnight, ip, report, scenario, t } from '../src/store/conformance/records.js';
import type { Driver } from '../src/store/driver.js';
import { table, TABLES } from '../src/store/schema.js';
import { sql } from '../src/store/sql.js';
import type { Store } from '../src/store/store.js';
import { clickHouseNode } from './clickhouse.js';
import { openTestStore } from './store.js';

/**
 * The conformance scenario, sightings across midnight, owners (one AS of victims left without),
 * devices (one on two addresses, one beyond the identification's reach), a KEV exposure, and a
 * domain warninglist entry over an indicator.
 */
export async function windowScenario(): Promise<Store> {
  const store = await scenario(await openTestStore());
  await ingestAcrossMidnight(store);
  await ingest(store, [report('192.0.3.202', 'D2', '2024-06-12T05:00:00Z'), flow('198.51.100.20', '203.0.113.10', '2024-06-12T06:00:00Z')]);
  const base = { emails: [], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
  await replaceOwners(store, [
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
    { device: 'ssh:far-away', ip: ip('192.0.3.1'), stable: true, first_seen: t('2023-01-01T00:00:00Z'), last_seen: t('2023-02-01T00:00:00Z') },
  ]);
  // Loaded as rows: an import of the list would also withdraw the indicator's sightings.
  await d.load(table('warnings'), [{ import_id: 999, list: 'Sinkholed names', kind: 'domain', domain: 'c2.example', value: 'c2.example' }]);
  return store;
}

/** Copies every shared table's rows from one driver to another (their derived columns the target fills). */
export async function copyRows(from: Driver, to: Driver): Promise<void> {
  for (const tbl of TABLES) {
    const rows = await from.all<Record<string, unknown>>(sql`SELECT * FROM ${sql.ident(tbl.name)}`);
    if (rows.length === 0) continue;
    const stored = tbl.columns.filter((c) => !c.from);
    await to.load(
      { ...tbl, columns: stored },
      rows.map((r) => Object.fromEntries(stored.map((c) => [c.name, r[c.name] instanceof Date ? (r[c.name] as Date).getTime() : r[c.name]]))),
    );
  }
}

/** Every answer equal; where one is not, the first such is shown whole. */
function sameAnswers(got: Record<string, unknown>, expected: Record<string, unknown>): void {
  const differing = Object.keys(expected).filter((k) => !isDeepStrictEqual(got[k], expected[k]));
  if (differing.length) assert.deepEqual({ [differing[0]!]: got[differing[0]!] }, { [differing[0]!]: expected[differing[0]!] }, `differ: ${differing.join(', ')}`);
}

type Answers = Record<string, unknown>;

/** The driver as one that keeps no tables: every question computes its windows into work tables. */
export function withoutKeptTables(d: Driver): Driver {
  return Object.create(d, { withKeptTable: { value: undefined }, can: { value: (c: string) => c !== 'kept-tables' && d.can(c as never) } }) as Driver;
}

/**
 * Two tests of a stage's questions (`ask`): the same answers from windows computed for the
 * question, from kept windows and from the per-day fold, on DuckDB and on a ClickHouse node.
 * `check` asserts what the DuckDB store's answers are, so that equal answers are not equally empty.
 */
export async function sameOnEngines(name: string, ask: (src: CensusSource) => Promise<Answers>, check: (answers: Answers) => void): Promise<void> {
  const ch = await clickHouseNode();
  after(() => ch.endpoint?.stop());
  let built: Promise<{ store: Store; expected: Answers }> | undefined;
  const expected = () =>
    (built ??= (async () => {
      const store = await windowScenario();
      return { store, expected: await ask(store) };
    })());
  after(async () => {
    if (built) await (await built).store.close();
  });

  test(`${name}: the same answers from kept windows, from windows computed for the question and from the per-day fold (DuckDB)`, async () => {
    const { store, expected: first } = await expected();
    check(first);
    sameAnswers(await ask(store), first);
    sameAnswers(await ask({ driver: withoutKeptTables(store.driver) }), first);
    await neutralWindows(store.driver).prepare();
    sameAnswers(await ask(store), first);
    sameAnswers(await ask({ driver: withoutKeptTables(store.driver) }), first);
  });

  test(`${name}: the same answers on ClickHouse 18.16 as on DuckDB`, { skip: ch.skip }, async () => {
    const { store, expected: kept } = await expected();
    const driver = await openClickHouseDriver(ch.endpoint!.freshUrl());
    try {
      await copyRows(store.driver, driver);
      sameAnswers(await ask({ driver }), kept);
      await neutralWindows(driver).prepare();
      sameAnswers(await ask({ driver }), kept);
    } finally {
      await driver.close();
    }
  });
}
