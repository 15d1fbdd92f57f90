// `/api/health` under load, for `npm run bench` (part `health`): the server starts over a store as
// `serve` does, a worker thread asks /api/health every 20 ms (its own event loop, so a blocked
// server shows as slow answers, not as missing samples) while the API is loaded as the latency
// benchmark loads it (src/server/latency.ts: the dashboard's questions, one after another); the
// baseline is the same probe against the idle server in the same run. Target: p99 under 50 ms
// while loaded. Runs alone: `node dist/src/bench/health.js [--db STORE] [--rows N]`.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { importIntelFile } from '../intel/import.js';
import { buildServer } from '../server/app.js';
import { measureApiLatency, percentiles } from '../server/latency.js';
import { DuckDbStore } from '../store/duckdb/index.js';
import { ingestFile } from '../telemetry/ingest.js';
import { generateBenchFiles, generateBotnetFlows } from './generate.js';
import { allocations } from './run.js';
import { enrichVictims } from '../enrich/enrich.js';

/** p99 of /api/health while the API is loaded, at most. */
const TARGET_P99_MS = 50;
const PROBE_EVERY_MS = 20;
/** The loaded p99 over the idle p99, at most. */
const LOADED_OVER_IDLE = 1.5;
/** The probe's first asks, left out of every figure. */
const PROBE_WARM_UP = 5;

export interface HealthBenchOptions {
  /** An existing store to serve (e.g. the demo's); by default a botnet store of `rows` flow rows is built. */
  db?: string;
  /** Flow rows of the built store (default 2,000,000: about as many sightings). */
  rows?: number;
}

interface Sample {
  ms: number;
  status: string;
}

// The probe, as a worker: asks until told to stop, then posts its samples.
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
let stop = false;
parentPort.on('message', () => (stop = true));
(async () => {
  const samples = [];
  while (!stop) {
    const t0 = performance.now();
    let status = 'error';
    try {
      const res = await fetch(workerData.url);
      status = res.ok ? (await res.json()).status : 'http ' + res.status;
    } catch (err) {
      status = 'error';
    }
    samples.push({ ms: performance.now() - t0, status });
    await new Promise((r) => setTimeout(r, workerData.every));
  }
  parentPort.postMessage(samples);
})();`;

function startProbe(origin: string): () => Promise<Sample[]> {
  const worker = new Worker(PROBE, { eval: true, workerData: { url: `${origin}/api/health`, every: PROBE_EVERY_MS } });
  const done = new Promise<Sample[]>((resolve, reject) => {
    worker.once('message', (s: Sample[]) => resolve(s));
    worker.once('error', reject);
  });
  return async () => {
    worker.postMessage('stop');
    const s = await done;
    await worker.terminate();
    return s;
  };
}

const p99 = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]! : 0;
};
const fmt = (n: number) => `${n.toFixed(1)} ms`;

async function buildBotnetStore(dir: string, rows: number, log: (line: string) => void): Promise<string> {
  mkdirSync(dir, { recursive: true });
  log(`health: building a store of ${rows.toLocaleString('en-US')} botnet flow rows in ${dir}`);
  const ranges = allocations();
  const files = await generateBenchFiles(dir, 10_000, 7, ranges);
  const flows = join(dir, 'botnet.csv');
  await generateBotnetFlows(flows, rows, 300_000, 9, ranges);
  const db = join(dir, 'health.duckdb');
  const store = await DuckDbStore.open(db, { memoryLimit: '1GB' });
  const match = { graceMs: 86_400_000, deferEnrich: true };
  await enrichVictims(store);
  await importIntelFile(store, files.indicatorsText, { source: 'bench', match });
  await ingestFile(store, flows, { match });
  await enrichVictims(store);
  await store.close();
  return db;
}

export async function healthBench(log: (line: string) => void, opts: HealthBenchOptions = {}) {
  const dir = join(tmpdir(), `botcensus-health-bench-${process.pid}`);
  const db = opts.db ?? (await buildBotnetStore(dir, opts.rows ?? 2_000_000, log));
  try {
    const store = await DuckDbStore.open(db, { memoryLimit: '1GB' });
    try {
      // Baseline: the idle server (no warm-up, no other request).
      const idle = await buildServer(store, { webRoot: null });
      await idle.listen({ host: '127.0.0.1', port: 0 });
      const stopIdle = startProbe(`http://127.0.0.1:${(idle.server.address() as AddressInfo).port}`);
      await new Promise((r) => setTimeout(r, 5000));
      const idleSamples = (await stopIdle()).slice(PROBE_WARM_UP);
      await idle.close();

      // Loaded: from the server's start (its warm-up) through the latency benchmark's questions.
      log('health: probing /api/health while the API answers the latency benchmark');
      let stop: (() => Promise<Sample[]>) | undefined;
      let samples: Sample[] = [];
      const api = await measureApiLatency(store, {
        rounds: 2,
        onListening: (origin) => (stop = startProbe(origin)),
        beforeClose: async () => void (samples = (await stop?.()) ?? []),
      });
      // The probe's first asks open its connection and compile its code: not the server's time.
      samples = samples.slice(PROBE_WARM_UP);
      const warming = samples.filter((s) => s.status === 'warming').map((s) => s.ms);
      const loaded = samples.filter((s) => s.status === 'ok').map((s) => s.ms);
      const failed = samples.filter((s) => s.status !== 'ok' && s.status !== 'warming').length;
      const idleMs = idleSamples.map((s) => s.ms);
      const row = (name: string, ms: number[]) => {
        const p = percentiles(ms);
        return `${name.padEnd(34)} ${String(ms.length).padStart(6)} ${fmt(p.p50).padStart(10)} ${fmt(p99(ms)).padStart(10)} ${fmt(p.max).padStart(10)}`;
      };
      const lines = [
        `${'/api/health'.padEnd(34)} ${'asks'.padStart(6)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'max'.padStart(10)}`,
        row('idle server (baseline)', idleMs),
        row('during the warm-up', warming),
        row(`API loaded (${api.overall.requests} answers)`, loaded),
        `API answers meanwhile: p50 ${fmt(api.overall.p50)}, p95 ${fmt(api.overall.p95)}; warm-up ${(api.warmUpMs / 1000).toFixed(1)} s; failed health asks ${failed}`,
      ];
      const loadedP99 = p99(loaded);
      const targets = [
        {
          name: `/api/health p99 under ${TARGET_P99_MS} ms while the API is loaded`,
          met: loaded.length > 0 && failed === 0 && loadedP99 < TARGET_P99_MS,
          detail: `${fmt(loadedP99)} over ${loaded.length} asks (idle baseline p99 ${fmt(p99(idleMs))}, ${(loadedP99 / Math.max(p99(idleMs), 0.001)).toFixed(1)}×); during the warm-up ${fmt(p99(warming))}`,
        },
        {
          // On a machine shared with other work even the idle server's p99 can exceed 50 ms: this
          // target says whether the load itself slows health down.
          name: `/api/health p99 while the API is loaded, at most ${LOADED_OVER_IDLE}× the idle server's`,
          met: loaded.length > 0 && failed === 0 && loadedP99 <= LOADED_OVER_IDLE * p99(idleMs),
          detail: `${fmt(loadedP99)} against ${fmt(p99(idleMs))} idle`,
        },
      ];
      const json = { idle: { ...percentiles(idleMs), p99: p99(idleMs) }, warming: { ...percentiles(warming), p99: p99(warming) }, loaded: { ...percentiles(loaded), p99: loadedP99 }, failed, api: api.overall, warmUpMs: api.warmUpMs };
      return { name: 'health', lines, targets, json };
    } finally {
      await store.close();
    }
  } finally {
    if (!opts.db) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('health.js')) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const db = arg('--db');
  if (db && !existsSync(db)) {
    console.error(`health: no store at ${db}`);
    process.exit(1);
  }
  healthBench((l) => console.error(l), { db, rows: arg('--rows') ? Number(arg('--rows')) : undefined }).then(
    (r) => {
      for (const l of r.lines) console.log(l);
      for (const t of r.targets) console.log(`${t.met ? 'met ' : 'MISSED'} ${t.name}: ${t.detail}`);
      process.exit(r.targets.every((t) => t.met) ? 0 : 1);
    },
    (err: Error) => {
      console.error(err.stack ?? err.message);
      process.exit(1);
    },
  );
}
