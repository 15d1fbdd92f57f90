// Tables kept between questions on a real ClickHouse node: built once per key and read by later
// calls and other connections, only the newest kept, nothing left by a failed build; and the
// census windows kept per data version, computed anew after an import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../../test/engines.js';
import { census } from '../../census/count.js';
import { flow, ind, ingest, intel } from '../conformance/records.js';
import type { Driver, WorkTable } from '../driver.js';
import { c, type Table } from '../schema.js';
import { sql } from '../sql.js';
import type { Store } from '../store.js';
import type { ClickHouseDriver } from './driver.js';
import { openStore, storeLocation } from '../open.js';
import { FIXTURE_GEO } from '../../../test/store.js';

const [, node] = await testEngines();
const skip = node!.skip;
const WORDS: Table = { name: 'kept_words', columns: [c('word', 'text', true)] };

const kept = async (d: ClickHouseDriver, prefix: string) =>
  (await d.all<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, ${prefix})`)).map((r) => r.name);

/** Reads the kept table of `key`, building it with `word` (counting builds) when there is none. */
function keptWords(d: Driver, key: string, word: string, builds: string[]): Promise<string[]> {
  return d.withKeptTable!(
    WORDS,
    key,
    async (work: WorkTable) => {
      builds.push(key);
      await d.run(sql`INSERT INTO ${work.ref} (word) VALUES (${word})`);
    },
    async (t) => (await d.all<{ word: string }>(sql`SELECT word FROM ${t.ref}`)).map((r) => r.word),
  );
}

test('a kept table is built once per key, read by later calls and other connections, and only the newest are kept', { skip }, async () => {
  const store = await node!.open();
  const d = store.driver as ClickHouseDriver;
  try {
    assert.ok(d.can('kept-tables'));
    const builds: string[] = [];
    assert.deepEqual(await keptWords(d, 'v1', 'one', builds), ['one']);
    assert.deepEqual(await keptWords(d, 'v1', 'not built again', builds), ['one']);
    assert.deepEqual(builds, ['v1']);
    // A failed build leaves neither a kept table nor its building table; the next call builds.
    await assert.rejects(
      d.withKeptTable!(WORDS, 'v2', async () => {
        throw new Error('build failed');
      }, async () => 'unreached'),
      /build failed/,
    );
    assert.equal((await kept(d, '_building_')).length, 0);
    assert.deepEqual(await keptWords(d, 'v2', 'two', builds), ['two']);
    // Keys past the newest eight drop the oldest tables.
    for (let i = 3; i <= 10; i++) await keptWords(d, `v${i}`, `w${i}`, builds);
    assert.equal((await kept(d, '_kept_kept_words_')).length, 8);
    assert.deepEqual(await keptWords(d, 'v10', 'not built again', builds), ['w10']);
    assert.equal(builds.filter((b) => b === 'v10').length, 1);
    assert.deepEqual(await keptWords(d, 'v1', 'one again', builds), ['one again'], 'the oldest went, and is built anew');
  } finally {
    await store.close();
  }
});

const victimsOf = async (store: Store) => (await census(store, { by: 'grade', measure: 'cumulative', top: 5 })).total;

test('census windows are kept for the data version: read by a second connection, computed anew after an import', { skip }, async () => {
  const url = node!.location!();
  const store = (await openStore(storeLocation(url), { create: true, geo: FIXTURE_GEO })).store;
  const second = (await openStore(storeLocation(url), { geo: FIXTURE_GEO })).store;
  const d = store.driver as ClickHouseDriver;
  const windows = () => kept(d, '_kept_census_window_victims_');
  try {
    await intel(store, [ind('ip', '203.0.113.10')]);
    await ingest(store, [flow('192.0.2.1', '203.0.113.10', '2024-06-01T10:00:00Z'), flow('192.0.2.2', '203.0.113.10', '2024-06-01T11:00:00Z')]);
    assert.equal(await victimsOf(store), 2);
    const first = await windows();
    assert.equal(first.length, 1);
    // Another connection (another process) reads the window kept: none is built.
    assert.equal(await victimsOf(second), 2);
    assert.deepEqual(await windows(), first);
    // A new import is a new data version: the window is computed anew, on either connection.
    await ingest(store, [flow('192.0.2.3', '203.0.113.10', '2024-06-01T12:00:00Z')]);
    assert.equal(await victimsOf(second), 3);
    assert.equal((await windows()).length, 2);
    assert.equal(await victimsOf(store), 3);
    assert.equal((await windows()).length, 2);
  } finally {
    await second.close();
    await store.close();
  }
});
