// Window tables are kept in the store for the next process: a reopened store answers from them
// (building nothing), and an import makes them stale: the next process drops them and answers
// from the new data.
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
const kept = async (s: DuckDbStore) => {
  const db = (s as unknown as { db: { all<T>(sql: string): Promise<T[]> } }).db;
  const tables = await db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE NOT temporary AND table_name LIKE 'victim_window_%' ORDER BY 1`);
  const rows = await db.all<{ value: string }>(`SELECT value FROM meta WHERE key LIKE 'window:%' ORDER BY 1`);
  return { tables: tables.map((r) => r.t), registry: rows.map((r) => r.value) };
};

test('a reopened store answers from the window tables the last process kept; an import makes them stale', async () => {
  const path = join(tempDir(), 'kept.duckdb');
  const first = await reportStore(path);
  const before = await ask(first);
  const made = await kept(first);
  assert.ok(made.tables.length >= 2, `window tables kept: ${made.tables}`);
  await first.close();

  const second = await open(path);
  assert.deepEqual(await ask(second), before);
  assert.deepEqual((await kept(second)).tables, made.tables, 'the same questions built no new table');
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
  const versions = new Set(now.registry.map((v) => v.split(' ')[0]));
  assert.equal(versions.size, 1, `every kept window is of one data version: ${now.registry}`);
  assert.deepEqual(now.tables.filter((t) => !t.endsWith('_lists')).length, now.registry.length, 'no stale table is left behind');
  await third.close();
});
