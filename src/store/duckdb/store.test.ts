// DuckDB's own parts: the census's answers from the per-day fold, the victim fold, the /24 prefilter set, address keys and
// storage migrations. What every driver must do is the conformance suite (conformance.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WarningEntry } from '../../core/model/indicator.js';
import { join } from 'node:path';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { currentFold } from '../../census/pair-days.js';
import { ensureVictimFold, refoldAll } from '../../match/victim-fold.js';
import { withUsableIndicators } from '../../match/indicators-sql.js';
import { sql } from '../sql.js';
import { lookupNearMisses } from '../../match/lookup.js';
import { counts, flow, grace, ind, ingest, ingestAcrossMidnight, ip, meta, scenario as conformanceScenario, t, windowAnswers } from '../conformance/records.js';
import { importIntel } from '../../match/import.js';
import { census } from '../../census/count.js';
import { dailyActive } from '../../census/dashboard.js';
import { prepareForQueries } from '../../census/prepare.js';
import { victims } from '../../census/victims.js';

// The conformance suite's scenario and record builders: the same store as every driver is held to.
async function scenario() {
  const store = await openTestStore();
  await conformanceScenario(store);
  return { store };
}

test('answers from the per-day fold (partial days from the sightings) equal answers from the sightings', async () => {
  const { store } = await scenario();
  await ingestAcrossMidnight(store);
  const fromSightings = await windowAnswers(store);
  assert.equal(await currentFold(store.driver), undefined, 'nothing folded yet');
  await prepareForQueries(store);
  assert.ok((await currentFold(store.driver)) !== undefined, 'folded');
  assert.ok(Number((await store.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM pair_days`))!.n) > 0);
  const fromDerived = await windowAnswers(store);
  assert.deepEqual(fromDerived, fromSightings);
  // Midnight-spanning sighting: counted on both days of the trend, once in the window of each.
  const days = await dailyActive(store, { from: t('2024-06-11T00:00:00Z'), to: t('2024-06-12T00:00:00Z') });
  assert.ok(days.every((d) => d.victims >= 1), JSON.stringify(days));
  // A later import changes the data: the next question answers from the new data (rebuilt fold).
  await ingest(store, [flow('192.0.3.6', '203.0.113.10', '2024-06-12T16:00:00Z')]);
  const after = await census(store, { by: 'country', measure: 'window', from: t('2024-06-12T00:00:00Z'), to: t('2024-06-14T00:00:00Z'), top: 10 });
  assert.equal(after.total, (fromSightings.windows[4]![0] as { total: number }).total + 1);
  await store.close();
});

test('the victim fold, kept through every change to the sightings, equals one folded from scratch', async () => {
  const path = join(tempDir(), 'fold.duckdb');
  let store = await openTestStore(path);
  const kept = () => store.db.all(`SELECT * FROM victim_fold ORDER BY victim`);
  const fromScratch = async () => {
    const before = await kept();
    await refoldAll(store.driver);
    return { before, after: await kept() };
  };
  const same = async (step: string) => {
    const { before, after } = await fromScratch();
    assert.deepEqual(before, after, step);
    const n = await store.db.one<{ n: bigint }>(`SELECT count(DISTINCT victim) AS n FROM sightings`);
    assert.equal(before.length, Number(n!.n), `${step}: one row per victim`);
    return before as { victim: bigint; grade: number; first_end: Date; last_start: Date }[];
  };
  await importIntel(store, { meta: meta('intel', 'a'), counts: counts(1), warnings: [], indicators: [ind('ip', '203.0.113.10')] }, grace);
  await ingest(store, [
    flow('192.0.3.5', '203.0.113.10', '2024-06-12T15:00:00Z'),
    flow('192.0.3.5', '203.0.113.10', '2024-06-12T18:00:00Z'),
    flow('192.0.3.6', '203.0.113.10', '2024-06-12T15:00:00Z'),
    flow('198.51.101.9', '203.0.113.77', '2024-06-12T15:00:00Z'),
  ]);
  const first = await same('first import');
  const row = (rows: { victim: bigint }[], a: string) => rows.find((r) => r.victim === ip(a)) as { grade: number; first_end: Date; last_start: Date } | undefined;
  assert.equal(row(first, '192.0.3.5')!.grade, 1);
  assert.equal(row(first, '192.0.3.5')!.first_end.toISOString(), '2024-06-12T15:00:00.000Z');
  assert.equal(row(first, '192.0.3.5')!.last_start.toISOString(), '2024-06-12T18:00:00.000Z');
  // The reply comes in the next import: the pair's two directions lie in two imports, so the
  // victim is two-way only if its earlier sightings are folded again with the new one.
  await ingest(store, [flow('203.0.113.10', '192.0.3.5', '2024-06-13T15:00:00Z')]);
  assert.equal(row(await same('the reply, a day later'), '192.0.3.5')!.grade, 2);
  // New intel matched against stored telemetry gives 198.51.101.9 its first sighting ...
  await importIntel(store, { meta: meta('intel', 'b'), counts: counts(1), warnings: [], indicators: [ind('ip', '203.0.113.77')] }, grace);
  assert.ok(row(await same('retroactive match'), '198.51.101.9'));
  // ... intel naming a victim as an indicator withdraws it ...
  await importIntel(store, { meta: meta('intel', 'c'), counts: counts(1), warnings: [], indicators: [ind('ip', '192.0.3.6')] }, grace);
  assert.equal(row(await same('victim became an indicator'), '192.0.3.6'), undefined);
  // ... and a warninglist over an indicator withdraws the sightings through it.
  const warnings: WarningEntry[] = [{ list: 'Known good', kind: 'cidr', value: '203.0.113.77/32', lo: ip('203.0.113.77'), hi: ip('203.0.113.77') }];
  await importIntel(store, { meta: meta('warninglist', 'misp'), counts: counts(1), indicators: [], warnings }, grace);
  const last = await same('warninglisted indicator');
  assert.equal(row(last, '198.51.101.9'), undefined);
  assert.deepEqual(last.map((r) => r.victim), [ip('192.0.3.5')]);
  // A store from before the fold (or folded by other rules) is folded whole when opened for work (the CLI's and the server's opening).
  await store.db.run(`DELETE FROM victim_fold`);
  await store.db.run(`DELETE FROM meta WHERE key = 'victim_fold'`);
  await store.close();
  store = await openTestStore(path);
  await ensureVictimFold(store.driver);
  assert.deepEqual(await kept(), last);
  await store.close();
});

test('flows are matched at the edges of every range size, whether or not the /24 prefilter applies', async () => {
  const ranges = ['198.51.101.7', '203.0.113.64/26', '10.16.0.0/20', '172.16.0.0/12', '2001:db9:1::/64'];
  // Far ends: the first and last address of each range, then addresses just outside them.
  const inside = ['198.51.101.7', '203.0.113.64', '203.0.113.127', '10.16.0.0', '10.16.15.255', '172.16.0.0', '172.31.255.255', '2001:db9:1::', '2001:db9:1::ffff:ffff:ffff:ffff'];
  const outside = ['198.51.101.8', '203.0.113.128', '10.16.16.0', '172.32.0.0', '2001:db9:2::'];
  // A wide IPv4 range, or an IPv6 one over all IPv4 addresses, turns the prefilter off.
  const cases: [string[], string[]][] = [
    [[], []],
    [['10.0.0.0/8'], ['10.16.16.0']],
    [['::ffff:0:0/96'], outside.filter((a) => !a.includes(':'))],
  ];
  for (const [extra, alsoHit] of cases) {
    const store = await openTestStore();
    const all = [...ranges, ...extra];
    await importIntel(
      store,
      { meta: meta('intel', 'x'), counts: counts(all.length), warnings: [], indicators: all.map((v) => ind(v.includes('/') ? 'cidr' : 'ip', v)) },
      grace,
    );
    // IPv6 victims, so that no victim lies in an indicator range itself.
    const far = [...inside, ...outside];
    const victimOf = (f: string) => `2001:db9:ffff::${far.indexOf(f) + 1}`;
    await ingest(store, far.map((f) => flow(victimOf(f), f, '2024-06-10T10:00:00Z')));
    const got = (await victims(store, {})).map((v) => v.ip).sort();
    assert.deepEqual(got, [...inside, ...alsoHit].map(victimOf).sort(), `extra ranges: ${extra.join(', ') || 'none'}`);
    if (!extra.length) {
      // The /12 and /20 are expanded to their /24s, the /26 and the address give one each.
      const n = await withUsableIndicators(store.driver, grace, ['flows'], (u) => store.driver.one<{ n: bigint }>(sql`SELECT count(*) AS n FROM ${u.ip4!.ref}`));
      assert.equal(Number(n!.n), 4096 + 16 + 1 + 1);
    }
    await store.close();
  }
});

test('flows carry narrow address keys, whoever wrote them, and a lookup by key stays exact', async () => {
  const path = join(tempDir(), 'keys.duckdb');
  let store = await openTestStore(path);
  await importIntel(store, { meta: meta('intel', 'advisory'), counts: counts(1), warnings: [], indicators: [ind('ip', '2001:db9::5', { lastSeen: t('2024-06-01T00:00:00Z') })] }, grace);
  // Same low 32 bits (0:5 / 0.0.0.5), different addresses: the key narrows, the address decides.
  await ingest(store, [
    flow('2001:db9:1::5', '2001:db9::5', '2024-08-01T10:00:00Z'),
    flow('2001:db9:2::5', '2001:db9::5', '2024-08-01T10:00:00Z'),
    flow('2001:db9::5', '2001:db9:1::5', '2024-08-01T10:00:01Z'),
    flow('0.0.0.5', '198.51.101.1', '2024-08-01T10:00:00Z'),
  ]);
  const wrong = `SELECT count(*) FILTER (WHERE src_key IS DISTINCT FROM (src & 4294967295)::UINTEGER OR dst_key IS DISTINCT FROM (dst & 4294967295)::UINTEGER) AS n FROM flows`;
  assert.equal(Number((await store.db.one<{ n: bigint }>(wrong))!.n), 0, 'appended rows get their keys');
  const near = await lookupNearMisses(store.driver, ip('2001:db9:1::5'), grace);
  assert.equal(near.telemetryRows, 2, 'its two flows, not the ones of addresses sharing its key');
  assert.deepEqual(near.nearMisses.map((m) => m.line), [1, 3]);
  // A store written before the keys existed gets them when it is opened.
  await store.db.run(`ALTER TABLE flows DROP COLUMN src_key`);
  await store.db.run(`ALTER TABLE flows DROP COLUMN dst_key`);
  await store.close();
  store = await openTestStore(path);
  assert.equal(Number((await store.db.one<{ n: bigint }>(wrong))!.n), 0, 'migrated rows get their keys');
  assert.equal((await lookupNearMisses(store.driver, ip('2001:db9:1::5'), grace)).telemetryRows, 2);
  await store.close();
});

test('a store whose hosts table still has its old primary key gets it rebuilt without one, rows kept', async () => {
  const path = join(tempDir(), 'old-hosts.duckdb');
  let store = await openTestStore(path);
  await store.db.run(`DROP TABLE hosts`);
  await store.db.run(`CREATE TABLE hosts (ip UHUGEINT NOT NULL, asn BIGINT, as_org VARCHAR, country VARCHAR, source VARCHAR, PRIMARY KEY (ip))`);
  await store.db.run(`INSERT INTO hosts VALUES ($a, 64500, 'Example Net', 'NL', 'ip-location-db'), ($b, NULL, NULL, 'DE', 'report')`, {
    a: ip('192.0.3.1'),
    b: ip('2001:db9::1'),
  });
  await store.close();
  store = await openTestStore(path);
  const keys = `SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'hosts' AND constraint_type = 'PRIMARY KEY'`;
  assert.equal(Number((await store.db.one<{ n: bigint }>(keys))!.n), 0);
  assert.deepEqual(await store.db.all(`SELECT asn, as_org, country, source FROM hosts ORDER BY ip`), [
    { asn: 64500n, as_org: 'Example Net', country: 'NL', source: 'ip-location-db' },
    { asn: null, as_org: null, country: 'DE', source: 'report' },
  ]);
  await store.close();
});

test('a store whose addresses were bit-packed gets those tables rebuilt with plain addresses, once, rows kept', async () => {
  const path = join(tempDir(), 'packed.duckdb');
  let store = await openTestStore(path);
  // As hosts was declared before: the storage left to DuckDB, which packs addresses written in order.
  await store.db.run(`DROP TABLE hosts`);
  await store.db.run(`CREATE TABLE hosts (ip UHUGEINT NOT NULL, asn BIGINT, as_org VARCHAR, country VARCHAR, source VARCHAR)`);
  await store.db.run(`INSERT INTO hosts SELECT $base + i, 64500, 'Example Net', 'NL', 'ip-location-db' FROM range(20000) r(i) ORDER BY i`, { base: ip('192.0.3.0') });
  await store.db.run(`DELETE FROM meta WHERE key = 'addr_storage'`);
  await store.db.run(`CHECKPOINT`);
  const compression = async () =>
    (await store.db.all<{ c: string }>(`SELECT DISTINCT compression AS c FROM pragma_storage_info('hosts') WHERE segment_type = 'UHUGEINT'`)).map((r) => r.c);
  assert.deepEqual(await compression(), ['BitPacking']);
  // The columns hosts had then (migration adds the later ones).
  const rows = await store.db.all(`SELECT ip, asn, as_org, country, source FROM hosts ORDER BY ip`);
  await store.close();
  store = await openTestStore(path);
  await store.db.run(`CHECKPOINT`);
  assert.deepEqual(await compression(), ['Uncompressed']);
  assert.deepEqual(await store.db.all(`SELECT ip, asn, as_org, country, source FROM hosts ORDER BY ip`), rows);
  assert.ok(await store.db.one(`SELECT 1 FROM meta WHERE key = 'addr_storage'`));
  await store.close();
});
