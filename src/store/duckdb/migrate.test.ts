// The neutral column declarations become DuckDB's DDL, and a store made by an earlier version
// (fewer columns, DuckDB-typed) converges to them when opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../../../test/tmp.js';
import { openTestStore } from '../../../test/store.js';
import { TABLES } from '../schema.js';
import { Db } from './connection.js';
import { duckType } from './migrate.js';

async function catalog(db: Db): Promise<Map<string, string>> {
  const rows = await db.all<{ t: string; c: string; type: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE table_schema = 'main'`,
  );
  return new Map(rows.map((r) => [`${r.t}.${r.c}`, r.type]));
}

test('every declared column exists in its DuckDB type', async () => {
  const store = await openTestStore();
  const have = await catalog(store.db);
  for (const t of TABLES) for (const c of t.columns) assert.equal(have.get(`${t.name}.${c.name}`), duckType(c.type), `${t.name}.${c.name}`);
  assert.equal(have.get('flows.src'), 'UHUGEINT');
  assert.equal(have.get('imports.imported_at'), 'TIMESTAMP');
  await store.close();
});

test('a store from before converges: missing columns added, derived ones filled, keys kept, retired tables gone', async () => {
  const path = join(tempDir(), 'old.duckdb');
  const old = await Db.open(path, 1);
  // The shape an earlier version wrote: imports without its later columns, flows without keys.
  await old.run(`CREATE TABLE imports (id INTEGER NOT NULL, kind VARCHAR NOT NULL, format VARCHAR NOT NULL, file VARCHAR NOT NULL,
                 sha256 VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, PRIMARY KEY (id))`);
  await old.run(`INSERT INTO imports VALUES (1, 'telemetry', 'nfdump', 'f.csv', 'abc', '2024-01-01')`);
  await old.run(`CREATE TABLE flows (import_id INTEGER NOT NULL, line INTEGER NOT NULL, ts TIMESTAMP, src UHUGEINT, dst UHUGEINT)`);
  await old.run(`INSERT INTO flows (import_id, line, ts, src, dst) VALUES (1, 1, '2024-01-01', 281473902969089, 5)`);
  // The census windows and folds an earlier version kept itself, registered in meta.
  await old.run(`CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  for (const t of ['derived_pairs_all', 'derived_victim_owner', 'victim_window_7']) await old.run(`CREATE TABLE ${t} (victim UHUGEINT)`);
  await old.run(`INSERT INTO meta VALUES ('window:/', '3/1:1 victim_window_7'), ('derived_version', '3/1:1'), ('pair_days', '1')`);
  old.close();
  const store = await openTestStore(path);
  const have = await catalog(store.db);
  for (const t of TABLES) for (const c of t.columns) assert.ok(have.has(`${t.name}.${c.name}`), `${t.name}.${c.name} added`);
  const f = await store.db.one<{ src_key: number; dst_key: number }>(`SELECT src_key, dst_key FROM flows`);
  assert.deepEqual([Number(f!.src_key), Number(f!.dst_key)], [Number(281473902969089n & 0xffffffffn), 5]);
  assert.equal((await store.listImports())[0]?.file, 'f.csv');
  const keys = await store.db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND table_name = 'imports'`);
  assert.equal(keys.length, 1);
  assert.deepEqual([...have.keys()].filter((k) => /^(derived_|victim_window_)/.test(k)), []);
  assert.deepEqual(await store.db.all(`SELECT key, value FROM meta WHERE key IN ('window:/', 'derived_version', 'pair_days') ORDER BY key`), [{ key: 'pair_days', value: '1' }]);
  await store.close();
});
