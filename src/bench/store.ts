// The store part of `npm run bench -- --store clickhouse://...`: the bench's flow file imported
// into DuckDB and into the ClickHouse store named, in the same run. Three imports of the same
// file: DuckDB's own (its CSV reader and matching, what `ingest` does), and the line reader
// writing rows through the driver contract (driver.load inside driver.atomically, the imports
// bookkeeping of src/store/imports.ts) on DuckDB and on ClickHouse. Rows per second (wall time:
// ClickHouse works in its own processes) and bytes stored per flow (DuckDB: the blocks the import
// added, after a checkpoint, the range data loaded before; ClickHouse: the flows table's
// active parts on every shard, after a merge). Then what a user runs, on a fresh store of each
// engine: the bench's indicators imported, the flow file ingested and matched (the line reader on
// ClickHouse, DuckDB's own reader on DuckDB), the victims enriched and the census by country
// asked; the two stores must hold the same sightings and count the same victims. Then the same
// with `ingest --prefilter` (the scan's kept lines loaded by DuckDB, parsed by the nfdump parser
// for ClickHouse), which must find those sightings and victims too.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecords } from '../core/reader.js';
import type { TelemetryRecord } from '../core/model/telemetry.js';
import type { LineCounts } from '../core/model/line-counts.js';
import { beginImport, finishImport } from '../store/imports.js';
import { openStore, storeLocation } from '../store/open.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { Store } from '../store/store.js';
import type { ClickHouseDriver } from '../store/clickhouse/driver.js';
import { fieldOfColumn } from '../store/telemetry-rows.js';
import { enrichVictims } from '../enrich/enrich.js';
import { runCensus } from '../census/census.js';
import { importIntelFile } from '../intel/import.js';
import { ingestFile } from '../telemetry/ingest.js';
import { formatByName } from '../telemetry/formats.js';
import { generateBenchFiles, type BenchFiles } from './generate.js';
import type { BenchPartResult } from './parts.js';
import { allocations } from './run.js';

export interface StoreBenchOptions {
  /** The ClickHouse store (a new database beside the URL's is used, and dropped afterwards). */
  url?: string;
  rows?: number;
  dir?: string;
}

interface Measured {
  name: string;
  rows: number;
  ms: number;
  bytes: number;
}

/** The flow file read line by line and written through the driver contract, as one import. */
async function loadThroughDriver(store: Store, file: string): Promise<number> {
  const d = store.driver;
  const parser = formatByName('nfdump').create({ file, fileName: basename(file) });
  return d.atomically(async () => {
    const id = await beginImport(d, { kind: 'telemetry', format: 'nfdump', file, sha256: `bench-${Date.now()}` });
    let rows = 0;
    let min = Infinity;
    let max = -Infinity;
    const counts: LineCounts = await readRecords(file, parser, async (records: TelemetryRecord[]) => {
      const flows = records.filter((r) => r.kind === 'flow');
      for (const r of flows) {
        (r as { import_id?: number }).import_id = id;
        if (r.ts < min) min = r.ts;
        if (r.ts > max) max = r.ts;
      }
      rows += await d.load(table('flows'), flows as unknown as Record<string, unknown>[], fieldOfColumn);
    });
    await finishImport(d, id, counts, { min, max });
    return rows;
  });
}

/** Import, match and census as a user runs them, each timed, on one store. */
interface Pipeline {
  engine: string;
  intelMs: number;
  ingestMs: number;
  enrichMs: number;
  censusMs: number;
  flows: number;
  sightings: number;
  victims: number;
}

async function pipeline(engine: string, store: Store, files: BenchFiles, log: (line: string) => void, prefilter = false): Promise<Pipeline> {
  const match = { graceMs: 86_400_000, deferEnrich: true };
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<[T, number]> => {
    log(`store: ${engine}, ${what}`);
    const t0 = performance.now();
    const r = await fn();
    return [r, performance.now() - t0];
  };
  // The range data is loaded once per store, before: not part of any import.
  await enrichVictims(store);
  const [, intelMs] = await timed('intel import', () => importIntelFile(store, files.indicatorsText, { source: 'bench', match }));
  const [flows, ingestMs] = await timed('ingest and match', () => ingestFile(store, files.flows, { match, prefilter }));
  const [, enrichMs] = await timed('enrich', () => enrichVictims(store));
  const [census, censusMs] = await timed('census', () => runCensus(store, { by: 'country', measure: 'cumulative' }));
  const n = await store.driver.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM sightings s WHERE ${store.driver.dialect.visibleRows(sql.ident('s'))}`);
  return {
    engine, intelMs, ingestMs, enrichMs, censusMs,
    flows: flows.status === 'imported' ? flows.counts.records : 0,
    sightings: Number(n?.n ?? 0),
    victims: census.result.total,
  };
}

/** The bytes of the blocks a DuckDB store uses, after a checkpoint (free blocks the file keeps are not counted). */
async function duckBytes(store: Store): Promise<number> {
  await store.driver.run(sql`CHECKPOINT`);
  const r = await store.driver.one<{ used: bigint | number; size: bigint | number }>(sql`SELECT used_blocks AS used, block_size AS size FROM pragma_database_size()`);
  return Number(r!.used) * Number(r!.size);
}

async function clickHouseBytes(d: ClickHouseDriver): Promise<number> {
  const local = d.layout.cluster ? 'flows__local' : 'flows';
  let bytes = 0;
  for (const node of d.layout.shards) {
    await node.run(`OPTIMIZE TABLE \`${local}\` FINAL`);
    const r = await node.one<{ b: bigint }>(`SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE database = currentDatabase() AND table = '${local}' AND active`);
    bytes += Number(r?.b ?? 0);
  }
  return bytes;
}

/** The URL with its database replaced by a new one of the bench's own. */
export function benchDatabase(url: string): string {
  const u = new URL(url);
  u.pathname = `/botcensus_bench_${process.pid}_${Date.now().toString(36)}`;
  return u.href;
}

/** Drops the bench's database on every shard. */
export async function dropBenchDatabase(d: ClickHouseDriver): Promise<void> {
  for (const node of d.layout.shards) await node.run(`DROP DATABASE IF EXISTS \`${d.layout.database}\``).catch(() => undefined);
}

export async function storeBench(log: (line: string) => void, o: StoreBenchOptions = {}): Promise<BenchPartResult> {
  const url = o.url ?? process.env.BOTCENSUS_BENCH_STORE;
  if (!url) return { name: 'store', lines: ['skipped: no ClickHouse store named (npm run bench -- --store clickhouse://user:password@host:8123/db)'], targets: [], json: { skipped: true } };
  const rows = o.rows ?? Number(process.env.BOTCENSUS_BENCH_STORE_ROWS ?? 1_000_000);
  const dir = o.dir ?? join(tmpdir(), 'botcensus-bench-store');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`store: generating ${rows.toLocaleString('en-US')} flow rows`);
  const files = await generateBenchFiles(dir, rows, 42, allocations());
  const measured: Measured[] = [];
  const time = async (name: string, fn: () => Promise<number>, bytes: () => Promise<number>) => {
    log(`store: ${name}`);
    const t0 = performance.now();
    const n = await fn();
    const ms = performance.now() - t0;
    measured.push({ name, rows: n, ms, bytes: await bytes() });
  };
  const match = { graceMs: 86_400_000 };
  // DuckDB's own reading of the file (ingest's fast path, with matching against no indicators).
  const duckOwn = join(dir, 'own.duckdb');
  {
    const { store } = await openStore({ engine: 'duckdb', path: duckOwn }, { create: true, memoryLimit: '1GB' });
    // Enrichment loads the range data into the store during the ingest: loaded first, so that
    // the file's growth is the flows'.
    await enrichVictims(store);
    const before = await duckBytes(store);
    await time('DuckDB ingest (its own CSV reader)', async () => {
      const r = await ingestFile(store, files.flows, { match });
      return r.status === 'imported' ? r.counts.records : 0;
    }, async () => {
      return (await duckBytes(store)) - before;
    });
    await store.close();
  }
  const duckLines = join(dir, 'lines.duckdb');
  {
    const { store } = await openStore({ engine: 'duckdb', path: duckLines }, { create: true, memoryLimit: '1GB' });
    const before = await duckBytes(store);
    await time('DuckDB, line reader through the driver', () => loadThroughDriver(store, files.flows), async () => {
      return (await duckBytes(store)) - before;
    });
    await store.close();
  }
  const chUrl = benchDatabase(url);
  const { store: ch } = await openStore(storeLocation(chUrl), { create: true });
  const chd = ch.driver as ClickHouseDriver;
  try {
    await time('ClickHouse, line reader through the driver', () => loadThroughDriver(ch, files.flows), () => clickHouseBytes(chd));
  } finally {
    await dropBenchDatabase(chd);
    await ch.close();
  }
  const runs: Pipeline[] = [];
  for (const prefilter of [false, true]) {
    const mode = prefilter ? ', --prefilter' : '';
    {
      const { store } = await openStore({ engine: 'duckdb', path: join(dir, `pipeline${prefilter ? '-prefilter' : ''}.duckdb`) }, { create: true, memoryLimit: '1GB' });
      runs.push(await pipeline(`DuckDB${mode}`, store, files, log, prefilter));
      await store.close();
    }
    {
      const { store } = await openStore(storeLocation(benchDatabase(url)), { create: true });
      try {
        runs.push(await pipeline(`ClickHouse${mode}`, store, files, log, prefilter));
      } finally {
        await dropBenchDatabase(store.driver as ClickHouseDriver);
        await store.close();
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const [own, duck, house] = measured as [Measured, Measured, Measured];
  const rate = (m: Measured) => m.rows / (m.ms / 1000);
  const perFlow = (m: Measured) => m.bytes / Math.max(1, m.rows);
  /** Flows a second from the ingest's start to the census's answer. */
  const flowRate = (r: Pipeline) => r.flows / ((r.ingestMs + r.enrichMs + r.censusMs) / 1000);
  const [duckRun, houseRun, duckPre, housePre] = runs as [Pipeline, Pipeline, Pipeline, Pipeline];
  const lines = [
    `${'import of the bench flow file'.padEnd(46)} ${'rows'.padStart(11)} ${'s'.padStart(7)} ${'rows/s'.padStart(10)} ${'MB stored'.padStart(10)} ${'bytes/flow'.padStart(10)}`,
    ...measured.map((m) => `${m.name.padEnd(46)} ${m.rows.toLocaleString('en-US').padStart(11)} ${(m.ms / 1000).toFixed(1).padStart(7)} ${Math.round(rate(m)).toLocaleString('en-US').padStart(10)} ${(m.bytes / 1e6).toFixed(1).padStart(10)} ${perFlow(m).toFixed(1).padStart(10)}`),
    `ClickHouse at ${chUrl.replace(/\/\/[^@/]*@/, '//')} (a database of its own, dropped afterwards)`,
    `${'import, match and census'.padEnd(26)} ${'intel s'.padStart(8)} ${'ingest s'.padStart(9)} ${'enrich s'.padStart(9)} ${'census s'.padStart(9)} ${'flows/s'.padStart(10)} ${'sightings'.padStart(10)} ${'victims'.padStart(8)}`,
    ...runs.map((r) => `${r.engine.padEnd(26)} ${(r.intelMs / 1000).toFixed(1).padStart(8)} ${(r.ingestMs / 1000).toFixed(1).padStart(9)} ${(r.enrichMs / 1000).toFixed(1).padStart(9)} ${(r.censusMs / 1000).toFixed(1).padStart(9)} ${Math.round(flowRate(r)).toLocaleString('en-US').padStart(10)} ${r.sightings.toLocaleString('en-US').padStart(10)} ${r.victims.toLocaleString('en-US').padStart(8)}`),
  ];
  const targets = [
    {
      name: 'every row stored on both engines',
      met: own.rows === rows && duck.rows === rows && house.rows === rows,
      detail: `${rows} generated; DuckDB ${own.rows} and ${duck.rows}, ClickHouse ${house.rows}`,
    },
    {
      name: 'the same sightings and victims on both engines after import, match and census',
      met: duckRun.sightings > 0 && duckRun.sightings === houseRun.sightings && duckRun.victims === houseRun.victims,
      detail: `DuckDB ${duckRun.sightings} sightings, ${duckRun.victims} victims; ClickHouse ${houseRun.sightings}, ${houseRun.victims}; flows/s ingest to census ${Math.round(flowRate(duckRun))} and ${Math.round(flowRate(houseRun))}`,
    },
    {
      name: 'with --prefilter, the same sightings and victims as storing every flow, on both engines',
      met: [duckPre, housePre].every((r) => r.sightings === duckRun.sightings && r.victims === duckRun.victims),
      detail: `DuckDB ${duckPre.sightings} sightings, ${duckPre.victims} victims; ClickHouse ${housePre.sightings}, ${housePre.victims}; flows/s ingest to census ${Math.round(flowRate(duckPre))} and ${Math.round(flowRate(housePre))}`,
    },
    {
      name: "ClickHouse's import through the driver at least half DuckDB's through the same driver code",
      met: rate(house) >= 0.5 * rate(duck),
      detail: `${Math.round(rate(house)).toLocaleString('en-US')} vs ${Math.round(rate(duck)).toLocaleString('en-US')} rows/s (${(rate(house) / rate(duck)).toFixed(2)}x)`,
    },
    {
      name: 'ClickHouse stores a flow in no more bytes than DuckDB',
      met: perFlow(house) <= perFlow(own),
      detail: `${perFlow(house).toFixed(1)} vs ${perFlow(own).toFixed(1)} bytes per flow (DuckDB's own import)`,
    },
  ];
  return { name: 'store', lines, targets, json: { rows, measured: measured.map((m) => ({ ...m, rowsPerSecond: rate(m), bytesPerFlow: perFlow(m) })), pipeline: runs } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.argv[2];
  const r = await storeBench((l) => process.stderr.write(l + '\n'), { url, rows: process.argv[3] ? Number(process.argv[3]) : undefined });
  process.stdout.write([...r.lines, ...r.targets.map((t) => `${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.detail}`)].join('\n') + '\n');
}
