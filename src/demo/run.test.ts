// Where `botcensus demo` writes: it makes its own store anew, and never writes over a store that
// holds anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { importIntelFile } from '../intel/import.js';
import { openStore } from '../store/open.js';
import { runDemo } from './run.js';

const quiet = { log: () => undefined, step: () => undefined };

test('the demo refuses a store holding imports it did not make, and makes its own anew', async () => {
  const dir = tempDir();
  const iocs = join(dir, 'iocs.txt');
  writeFileSync(iocs, '203.0.113.7\n');
  const storeWith = async (path: string, source: string) => {
    const { store } = await openStore({ engine: 'duckdb', path }, { create: true });
    await importIntelFile(store, iocs, { source, match: { graceMs: 0 } });
    await store.close();
  };
  const real = join(dir, 'real.duckdb');
  await storeWith(real, 'advisory');
  const demo = (path: string) => runDemo({ store: { engine: 'duckdb', path }, dir: join(dir, 'files'), seed: 3, scale: 0.001, coverage: 0.5, ...quiet });
  await assert.rejects(demo(real), /empty store, and .*real\.duckdb holds imports the demo did not make: name another file/);
  const { store } = await openStore({ engine: 'duckdb', path: real });
  assert.deepEqual((await store.listImports()).map((i) => i.source), ['advisory']);
  await store.close();

  // A demo store from before the demo marked its stores holds the demo's indicators alone.
  const own = join(dir, 'demo.duckdb');
  await storeWith(own, 'demo-advisory');
  const first = await demo(own);
  const again = await demo(own);
  assert.ok(first.truth.active > 0);
  assert.deepEqual(again.active.headline, first.active.headline);
});
