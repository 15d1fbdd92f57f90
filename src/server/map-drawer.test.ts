// The map worker's lifetime: it holds the process only while it owes a map, and a server that
// closes while a map is being drawn leaves no worker behind (a left worker kept `serve` from
// exiting after SIGTERM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapDrawer } from './map-drawer.js';

const COUNTS = [
  { cc: 'US', count: 10, name: 'United States' },
  { cc: 'VN', count: 3, name: 'Vietnam' },
];

/** The handles that keep this process alive which a worker thread brings. */
function workerHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker');
}

test('a map is drawn, and an idle worker does not hold the process', async () => {
  const maps = new MapDrawer();
  const drawn = await maps.draw(COUNTS);
  assert.match(drawn.svg, /^<svg/);
  assert.deepEqual(workerHandles(), []);
  await maps.close();
});

test('closing while maps are owed: they are rejected, later draws refused, and no worker is left', async () => {
  const maps = new MapDrawer();
  await maps.draw(COUNTS);
  const owed = assert.rejects(maps.draw(COUNTS), /map worker stopped/);
  const closing = maps.close();
  // A draw that arrives while the worker is still ending (the server's warm-up does) starts none.
  const late = assert.rejects(maps.draw(COUNTS), /closing/);
  await closing;
  await owed;
  await late;
  await assert.rejects(maps.draw(COUNTS), /closing/);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(workerHandles(), []);
});
