// Tables kept between questions on a real ClickHouse node (the driver conformance suite holds what
// every driver's kept tables do): nothing left by a failed build, and the census windows kept per
// data version, computed anew after an import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../../test/engines.js';
import { census } from '../../census/count.js';
import { flow, ind, ingest, intel } from '../conformance/records.js';
import type { WorkTable } from '../driver.js';
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

test('a failed build leaves neither a kept table nor its building table', { skip }, async () => {
  const store = await node!.open();
  const d = store.driver as ClickHouseDriver;
  try {
    await assert.rejects(
      d.withKeptTable!(WORDS, async () => 'v1', async (work: WorkTable) => {
        await d.run(sql`INSERT INTO ${work.ref} (word) VALUES ('half')`);
        throw new Error('build failed');
      }, async () => 'unreached'),
      /build failed/,
    );
    assert.deepEqual([...(await kept(d, '_building_')), ...(await kept(d, '_kept_'))], []);
  } finally {
    await store.close();
  }
});

test('a kept table dropped before it is read (another process pruned it) is built anew and read', { skip }, async () => {
  const store = await node!.open();
  const d = store.driver as ClickHouseDriver;
  try {
    const builds: string[] = [];
    const keptWords = (word: string, before?: (name: string) => Promise<void>) =>
      d.withKeptTable!(WORDS, async () => 'v1', async (work: WorkTable) => {
        builds.push(word);
        await d.run(sql`INSERT INTO ${work.ref} (word) VALUES (${word})`);
      }, async (k) => {
        await before?.(k.name);
        return (await d.all<{ word: string }>(sql`SELECT word FROM ${k.ref}`)).map((r) => r.word);
      });
    assert.deepEqual(await keptWords('first'), ['first']);
    let drops = 0;
    const dropOnce = async (name: string) => {
      if (drops++ === 0) await d.run(sql`DROP TABLE ${sql.ident(name)}`);
    };
    assert.deepEqual(await keptWords('second', dropOnce), ['second']);
    assert.deepEqual(builds, ['first', 'second']);
    // Dropped before every read: the error is the reader's after a few tries.
    await assert.rejects(keptWords('third', (name) => d.run(sql`DROP TABLE ${sql.ident(name)}`)), /Code: 60|doesn't exist/);
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
