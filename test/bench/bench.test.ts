// The benchmark runs end to end at a small size and its JSON report is complete. Timings are not
// asserted here (they belong to `npm run bench`), only that every figure is there and sane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from '../tmp.js';

test('npm run bench -- --rows 200000 --json: every stage, rate, baseline and target is reported', () => {
  const r = spawnSync(process.execPath, [resolve('dist/scripts/bench.js'), '--rows', '200000', '--json', '--dir', join(tempDir(), 'bench')], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    machine: Record<string, unknown>;
    rows: number;
    indicators: number;
    pipeline: { ms: Record<string, number>; rows: Record<string, number>; fastPath: boolean; peakRssMb: number; sightings: number };
    rates: Record<string, number>;
    baselines: Record<string, { rows: number; ms: number; rowsPerSec: number }>;
    ratios: Record<string, number>;
    targets: { name: string; met: boolean; detail: string }[];
  };
  assert.deepEqual(Object.keys(j.machine).sort(), ['cores', 'duckdb', 'memoryGb', 'node', 'platform']);
  assert.equal(j.rows, 200_000);
  assert.equal(j.indicators, 100_000);
  assert.equal(j.pipeline.rows.flows, 200_000);
  assert.ok(j.pipeline.fastPath, 'the flow file went through DuckDB');
  assert.ok(j.pipeline.sightings > 0);
  for (const k of ['intel', 'import', 'match', 'enrich', 'census', 'censusCountry', 'censusAsn', 'dns', 'shadowserver', 'nextDayIntoFull', 'nextDayIntoEmpty'])
    assert.ok(j.pipeline.ms[k]! > 0, `stage ${k} timed`);
  for (const k of ['import', 'match', 'enrich', 'census', 'endToEnd', 'zeekDns', 'shadowserver']) assert.ok(j.rates[k]! > 0, `rate ${k}`);
  for (const k of ['duckdbCount', 'grep', 'nodeSet']) assert.equal(j.baselines[k]!.rows, 200_000, `baseline ${k} read every row`);
  for (const k of ['vsDuckdbCount', 'vsGrep', 'vsNodeSet']) assert.ok(j.ratios[k]! > 0, `ratio ${k}`);
  assert.equal(j.targets.length, 8);
  const api = (j.pipeline as unknown as { api: { endpoint: string; requests: number; errors: number; p95: number }[] }).api;
  assert.ok(api.length >= 5, 'the main endpoints are measured');
  assert.ok(api.every((e) => e.requests > 0 && e.errors === 0 && e.p95 > 0), JSON.stringify(api));
  assert.ok(j.pipeline.peakRssMb > 0);
});
