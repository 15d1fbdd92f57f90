// Census windows are kept in the store (kept-tables.ts) for the next process: a reopened store
// answers from them (building nothing), and an import makes them stale: the next question computes
// its window from the new data, and the stale tables go once newer ones replace them. A window
// bound that no sighting crosses is dropped, so such a window is the all-time one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseIp } from '../../core/ip.js';
import { DAY, REPORT_GEO, reportStore } from '../../../test/report-fixture.js';
import { tempDir } from '../../../test/tmp.js';
import { DuckDbStore } from './index.js';
import { importTelemetry } from '../../match/import.js';
import { census } from '../../census/count.js';
import { victims } from '../../census/victims.js';

const open = (path: string) => DuckDbStore.open(path, { geo: REPORT_GEO, threads: 2 });
const ask = async (s: DuckDbStore) => ({
  all: (await census(s, { by: 'country', measure: 'cumulative', top: 10 })).total,
  window: (await census(s, { by: 'country', measure: 'window', top: 10, from: Date.parse('2024-06-11T00:00:00Z'), to: Date.parse('2024-06-12T23:00:00Z') })).total,
  victims: (await victims(s, { limit: 1000 })).map((v) => v.ip).sort(),
});
const tablesOf = async (s: DuckDbStore, prefix: string) =>
  (await s.db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE starts_with(table_name, $p) ORDER BY 1`, { p: prefix })).map((r) => r.t);
/** The kept windows, and no table left half-built. */
const kept = async (s: DuckDbStore) => {
  assert.deepEqual(await tablesOf(s, '_building'), []);
  return tablesOf(s, '_kept_census_window_victims_');
};


test('a reopened store answers from the window tables the last process kept; an import makes them stale', async () => {
  const path = join(tempDir(), 'kept.duckdb');
  const first = await reportStore(path);
  const before = await ask(first);
  const made = await kept(first);
  assert.ok(made.length >= 2, `window tables kept: ${made}`);
  await first.close();

  const second = await open(path);
  assert.deepEqual(await ask(second), before);
  assert.deepEqual(await kept(second), made, 'the same questions built no new table');
  // A new victim on the last day: every window holding that day changes.
  const ip = (s: string) => parseIp(s)!;
  const meta = { kind: 'telemetry' as const, format: 'test', file: '/data/more.txt', sha256: `more-${Date.now()}` };
  await importTelemetry(second, 
    meta,
    async (write) => {
      await write([{ kind: 'flow', src: ip('192.0.2.99'), dst: ip('203.0.113.10'), ts: Date.parse('2024-06-12T09:00:00Z'), proto: 'tcp', dport: 443, bytes: 10, line: 1 }]);
      return { lines: 1, records: 1, framing: 0, rejected: 0, examples: [] };
    },
    () => undefined,
    { graceMs: DAY },
  );
  await second.close();

  const third = await open(path);
  const after = await ask(third);
  assert.equal(after.all, before.all + 1);
  assert.equal(after.window, before.window + 1);
  assert.ok(after.victims.includes('192.0.2.99'));
  const now = await kept(third);
  assert.equal(now.length, made.length * 2, `as many new tables as before: ${now}`);
  // Newer windows replace the stale ones: at most eight are kept.
  for (let day = 1; day <= 8; day++) await census(third, { by: 'country', measure: 'window', top: 10, from: Date.parse('2024-06-11T00:00:00Z') + day * 3_600_000 });
  const pruned = await kept(third);
  assert.equal(pruned.length, 8);
  assert.ok(made.every((t) => !pruned.includes(t)), 'the stale tables are gone');
  assert.deepEqual(await ask(third), after);
  await third.close();
});

test('a window bound that no sighting crosses is dropped: such a window is the all-time one; one that cuts a sighting out is not', async () => {
  const store = await reportStore(join(tempDir(), 'bounds.duckdb'));
  const bounds = (await store.db.one<{ lo: number; hi: number }>(`SELECT epoch_ms(min(last_seen)) AS lo, epoch_ms(max(first_seen)) AS hi FROM sightings`))!;
  const [lo, hi] = [Number(bounds.lo), Number(bounds.hi)];
  const ips = async (w: { from?: number; to?: number }) => (await victims(store, { ...w, limit: 10_000 })).map((v) => v.ip).sort();
  const all = await ips({});
  const tables = await kept(store);
  assert.equal(tables.length, 1);
  assert.deepEqual(await ips({ from: lo, to: hi + 1 }), all);
  assert.deepEqual(await ips({ from: lo - DAY }), all);
  assert.deepEqual(await kept(store), tables, 'windows that hold every sighting read the all-time table');
  // One millisecond past the earliest end (at the latest start) leaves that sighting out.
  assert.ok((await ips({ from: lo + 1 })).length < all.length);
  assert.ok((await ips({ to: hi - 1 })).length < all.length);
  assert.equal((await kept(store)).length, 3);
  await store.close();
});

test('a window asked first builds the all-time window as well, and takes its victims\' attributes from it', async () => {
  const store = await reportStore(join(tempDir(), 'first.duckdb'));
  const lo = Number((await store.db.one<{ lo: number }>(`SELECT epoch_ms(min(last_seen)) AS lo FROM sightings`))!.lo);
  const some = await victims(store, { from: lo + 1, limit: 10_000 });
  assert.ok(some.length > 0 && some.some((v) => v.country !== undefined), 'victims with their enrichment');
  const tables = await kept(store);
  assert.equal(tables.length, 2, `the window and the all-time one: ${tables}`);
  await victims(store, { limit: 10_000 });
  assert.deepEqual(await kept(store), tables, 'the all-time window was kept');
  await store.close();
});
