// The benchmark runs end to end at a small size and its JSON report is complete. Timings are not
// asserted here (they belong to `npm run bench`), only that every figure is there and sane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from '../tmp.js';

test('npm run bench -- --rows 200000 --api-rows 20000 --repeats 2 --json: every stage, rate, baseline, round and target is reported', () => {
  const r = spawnSync(process.execPath, [resolve('dist/scripts/bench.js'), '--rows', '200000', '--api-rows', '20000', '--repeats', '2', '--part', 'pipeline', '--json', '--dir', join(tempDir(), 'bench')], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  type Later = { ms: number; sightings: number; victims: number; rescanMs?: number; rescanFlows?: number };
  const j = JSON.parse(r.stdout) as {
    machine: Record<string, unknown>;
    rows: number;
    ipv6Share: number;
    indicators: number;
    pipeline: {
      ms: Record<string, number>;
      rows: Record<string, number>;
      fastPath: boolean;
      peakRssMb: number;
      sightings: number;
      victims: { cumulative: number };
      later: Later;
      prefilter: { stored: number; sightings: number; victims: { cumulative: number }; later: Later };
    };
    rates: Record<string, number>;
    baselines: Record<string, { rows: number; ms: number; rowsPerSec: number }>;
    ratios: Record<string, number>;
    prefilterRatios: Record<string, number>;
    rounds: { countMs: number; keepAllMs: number; prefilterMs: number; setMs: number }[];
    targets: { name: string; met: boolean; detail: string }[];
    api: {
      sightings: number;
      victims: number;
      buildMs: number;
      api: {
        warmUpMs: number;
        endpoints: { endpoint: string; requests: number; errors: number; p95: number; max: number }[];
        overall: { requests: number; p95: number; max: number };
      };
    };
  };
  assert.deepEqual(Object.keys(j.machine).sort(), ['cores', 'duckdb', 'memoryGb', 'node', 'platform']);
  assert.equal(j.rows, 200_000);
  assert.equal(j.ipv6Share, 0.35, 'a third of the benign flows IPv6 by default');
  assert.equal(j.indicators, 100_000);
  assert.equal(j.pipeline.rows.flows, 200_000);
  assert.ok(j.pipeline.fastPath, 'the flow file went through DuckDB');
  assert.ok(j.pipeline.sightings > 0);
  for (const k of ['intel', 'import', 'match', 'enrich', 'census', 'censusCountry', 'censusAsn', 'dns', 'shadowserver', 'nextDayIntoFull', 'nextDayIntoEmpty'])
    assert.ok(j.pipeline.ms[k]! > 0, `stage ${k} timed`);
  for (const k of ['prefilterImportMatch', 'prefilterScan', 'prefilterLoad', 'prefilterMatch', 'prefilterEnrich', 'prefilterCensus'])
    assert.ok(j.pipeline.ms[k]! > 0, `stage ${k} timed`);
  for (const k of ['import', 'match', 'enrich', 'census', 'endToEnd', 'endToEndPrefilter', 'zeekDns', 'shadowserver']) assert.ok(j.rates[k]! > 0, `rate ${k}`);
  // --prefilter stores a small part of the flows (far IPv6 ones dropped too) and finds the same sightings and victims.
  const pf = j.pipeline.prefilter;
  assert.ok(pf.stored > 0 && pf.stored < 200_000 / 10, `${pf.stored} flows stored`);
  assert.equal(pf.sightings, j.pipeline.sightings);
  assert.equal(pf.victims.cumulative, j.pipeline.victims.cumulative);
  assert.ok(j.targets.find((t) => t.name.startsWith('--prefilter finds the same'))!.met);
  // Indicators published after the flows: matched in the stored flows, and with --prefilter in the
  // flows its scan of the file again adds; the same new sightings either way.
  assert.ok(j.pipeline.later.sightings > 0 && j.pipeline.later.ms > 0);
  assert.equal(j.pipeline.later.rescanFlows, 0, 'a store of every flow scans nothing again');
  assert.deepEqual([pf.later.sightings, pf.later.victims], [j.pipeline.later.sightings, j.pipeline.later.victims]);
  assert.ok(pf.later.rescanFlows! > 0 && pf.later.rescanMs! > 0);
  assert.ok(j.targets.find((t) => t.name.startsWith('indicators imported later'))!.met);
  for (const k of ['duckdbCount', 'grep', 'nodeSet']) assert.equal(j.baselines[k]!.rows, 200_000, `baseline ${k} read every row`);
  for (const k of ['vsDuckdbCount', 'vsGrep', 'vsNodeSet']) assert.ok(j.ratios[k]! > 0 && j.prefilterRatios[k]! > 0, `ratio ${k}`);
  // Both pipelines, DuckDB's count and the Node.js Set, in turn: the pipeline run's round and two
  // more. The rates and their ratios come from the medians (grep's from its one run).
  assert.equal(j.rounds.length, 3);
  assert.ok(j.rounds.every((r) => r.countMs > 0 && r.keepAllMs > 0 && r.prefilterMs > 0 && r.setMs > 0), JSON.stringify(j.rounds));
  assert.deepEqual(j.rounds[0], {
    countMs: j.baselines.duckdbCount!.ms,
    keepAllMs: j.pipeline.ms.importMatch! + j.pipeline.ms.enrich! + j.pipeline.ms.census!,
    prefilterMs: j.pipeline.ms.prefilterImportMatch! + j.pipeline.ms.prefilterEnrich! + j.pipeline.ms.prefilterCensus!,
    setMs: j.baselines.nodeSet!.ms,
  });
  const mid = (key: 'countMs' | 'keepAllMs' | 'prefilterMs' | 'setMs') => j.rounds.map((r) => r[key]).sort((a, b) => a - b)[1]!;
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9 * Math.abs(b), `${what}: ${a} against ${b}`);
  near(j.rates.endToEnd!, 200_000 / (mid('keepAllMs') / 1000), 'rate storing every flow');
  near(j.rates.endToEndPrefilter!, 200_000 / (mid('prefilterMs') / 1000), 'rate with --prefilter');
  near(j.prefilterRatios.vsDuckdbCount!, mid('countMs') / mid('prefilterMs'), '--prefilter against the count');
  near(j.ratios.vsDuckdbCount!, mid('countMs') / mid('keepAllMs'), 'storing every flow against the count');
  near(j.ratios.vsNodeSet!, mid('setMs') / mid('keepAllMs'), 'storing every flow against the Set');
  near(j.ratios.vsGrep!, j.rates.endToEnd! / j.baselines.grep!.rowsPerSec, 'against grep');
  assert.equal(j.targets.length, 14);
  // The API part: a botnet store of about one sighting per flow row, the dashboard's questions.
  assert.ok(j.api.sightings >= 20_000 && j.api.victims > 1000, JSON.stringify(j.api));
  assert.ok(j.api.api.warmUpMs > 0);
  const api = j.api.api.endpoints;
  for (const e of ['overview', 'countries', 'countries/:cc/networks', 'victims', 'victims/:ip', 'victims/:ip/near-misses', 'charts/trend', 'overview (custom range)'])
    assert.ok(api.some((x) => x.endpoint === e), `endpoint ${e} measured`);
  assert.ok(api.every((e) => e.requests > 0 && e.errors === 0 && e.p95 > 0), JSON.stringify(api));
  assert.match(j.targets.find((t) => t.name.startsWith('API'))!.detail, /sightings, after a [\d.]+ s warm-up; not prepared by it: overview \(custom range\)/);
  // The overall figures are over every answer the run gave.
  assert.equal(j.api.api.overall.requests, api.reduce((n, e) => n + e.requests, 0));
  assert.ok(j.api.api.overall.p95 >= Math.min(...api.map((e) => e.p95)) && j.api.api.overall.max === Math.max(...api.map((e) => e.max)));
  assert.ok(j.pipeline.peakRssMb > 0);
});
