// The intel bench part runs end to end at a small size: both bundles imported whole, every figure
// and target reported, its files removed. Timings and memory are judged by `npm run bench`, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { intelBench } from '../../src/bench/intel.js';
import { tempDir } from '../tmp.js';

test('bench part intel at 2 MB: every indicator of both bundles imported, rates, peaks and targets reported', { timeout: 120_000 }, async () => {
  const dir = join(tempDir(), 'intel');
  const r = await intelBench(() => undefined, { bytes: 2e6, dir });
  const j = r.json as { baseline: { ms: number; bytes: number }; runs: { bytes: number; objects: number; indicators: number; ms: number; peakRssMb: number; peakHeapMb: number }[] };
  assert.equal(j.runs.length, 2);
  for (const run of j.runs) {
    // One object in ten is a malware or relationship object; the others are indicators with distinct values.
    assert.equal(run.indicators, run.objects - Math.floor(run.objects / 10));
    assert.ok(run.ms > 0 && run.peakRssMb > run.peakHeapMb && run.peakHeapMb > 0, JSON.stringify(run));
  }
  assert.ok(j.runs[1]!.bytes > 9 * j.runs[0]!.bytes);
  assert.ok(j.baseline.bytes === j.runs[0]!.bytes && j.baseline.ms > 0);
  assert.deepEqual(r.targets.map((t) => t.name), ['intel import memory bounded', 'intel import JS heap bounded']);
  assert.equal(r.lines.length, 4);
  assert.ok(!existsSync(dir), 'the generated bundles and stores are removed');
});
