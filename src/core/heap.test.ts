import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { collectGarbageAbove } from './heap.js';

/** Leaves about `mb` megabytes of unreachable objects on the heap. */
function leaveGarbage(mb: number): void {
  let keep: string[][] = [];
  for (let i = 0; i < mb * 256; i++) keep.push(Array.from({ length: 128 }, (_, k) => `${i}:${k}`));
  keep = [];
}

test('a heap over the bound is collected; one under it is left alone', () => {
  const used = () => getHeapStatistics().used_heap_size;
  collectGarbageAbove(0);
  const live = used();
  leaveGarbage(40);
  const withGarbage = used();
  assert.ok(withGarbage > live + (20 << 20), `garbage left: ${withGarbage - live} bytes`);
  assert.equal(collectGarbageAbove(withGarbage * 2), false);
  assert.equal(collectGarbageAbove(live + (10 << 20)), true);
  assert.ok(used() < live + (10 << 20), `after collection ${used()} bytes, ${live} live before`);
});
