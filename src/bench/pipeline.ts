// One benchmark pipeline run, in its own process so its peak memory is its own: intel import,
// flow import + match (DuckDB fast path), enrichment, census (three measures x country/ASN),
// then an incremental day, the Zeek dns.log and a Shadowserver report.
import { importIntelFile } from '../intel/import.js';
import { runCensus } from '../census/census.js';
import { DuckDbStore } from '../store/duckdb/index.js';
import { ingestFile } from '../telemetry/ingest.js';
import { measureApiLatency, type ApiLatency } from '../server/latency.js';
import { enrichVictims } from '../enrich/enrich.js';

export interface PipelineArgs {
  db: string;
  indicators: string;
  flows: string;
  /** A second day of flows, imported into the full store and into an empty one. */
  nextDay: string;
  dns: string;
  shadowserver: string;
  memoryLimit: string;
  /** Indicators imported after the flows (retroactive matching); skipped when absent. */
  laterIndicators?: string;
}

/** What indicators imported after the flows found in the stored flows. */
export interface LaterIntel {
  /** The whole intel import: with --prefilter, scanning the flow file again included. */
  ms: number;
  /** New sightings, and the victims of all sightings afterwards. */
  sightings: number;
  victims: number;
  /** --prefilter: the scan of the file again, and the flows it added. */
  rescanMs?: number;
  rescanFlows?: number;
}

export interface PipelineResult {
  ms: Record<string, number>;
  rows: Record<string, number>;
  sightings: number;
  victims: { active: number; window: number; cumulative: number };
  later?: LaterIntel;
  /** The same flows with `ingest --prefilter` into a store of their own. */
  prefilter: {
    /** Flows stored (the rest were checked and dropped). */
    stored: number;
    sightings: number;
    victims: { active: number; window: number; cumulative: number };
    later?: LaterIntel;
  };
  fastPath: boolean;
  peakRssMb: number;
}

const time = async <T>(ms: Record<string, number>, key: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const out = await fn();
  ms[key] = performance.now() - t;
  return out;
};

export async function runPipeline(a: PipelineArgs): Promise<PipelineResult> {
  const ms: Record<string, number> = {};
  const rows: Record<string, number> = {};
  const match = { graceMs: 86_400_000, deferEnrich: true };
  const store = await DuckDbStore.open(a.db, { memoryLimit: a.memoryLimit });
  // Loading the range data is once per store (and per data version), not per import.
  await time(ms, 'geoLoad', () => enrichVictims(store));
  const intel = await time(ms, 'intel', () => importIntelFile(store, a.indicators, { source: 'bench', match }));
  rows.indicators = intel.status === 'imported' ? intel.indicators : 0;
  const flows = await time(ms, 'importMatch', () => ingestFile(store, a.flows, { match }));
  if (flows.status !== 'imported') throw new Error('flows not imported');
  rows.flows = flows.counts.records;
  ms.import = flows.timings?.loadMs ?? NaN;
  ms.match = flows.timings?.matchMs ?? NaN;
  await time(ms, 'enrich', () => enrichVictims(store));
  const census = await time(ms, 'census', () => censusByCountryAndAsn(store));
  ms.censusCountry = census.ms.country;
  ms.censusAsn = census.ms.asn;
  const victims = census.victims;
  const sightings = await countOf(store, 'sightings');
  const later = a.laterIndicators ? await laterIntel(store, a.laterIndicators, match) : undefined;
  const next = await time(ms, 'nextDayIntoFull', () => ingestFile(store, a.nextDay, { match }));
  rows.nextDay = next.status === 'imported' ? next.counts.records : 0;
  const dns = await time(ms, 'dns', () => ingestFile(store, a.dns, { match }));
  rows.dns = dns.status === 'imported' ? dns.counts.records : 0;
  const sh = await time(ms, 'shadowserver', () => ingestFile(store, a.shadowserver, { match }));
  rows.shadowserver = sh.status === 'imported' ? sh.counts.records : 0;
  await store.close();
  // The same day into an empty store: incremental cost should not depend on what is stored.
  const empty = await DuckDbStore.open(a.db + '.empty', { memoryLimit: a.memoryLimit });
  await enrichVictims(empty);
  await importIntelFile(empty, a.indicators, { source: 'bench', match });
  await time(ms, 'nextDayIntoEmpty', () => ingestFile(empty, a.nextDay, { match }));
  await empty.close();
  // The same day's flows with --prefilter, into a store of their own: only the flows near an
  // indicator are stored. The sightings must come out the same as above.
  const pre = await DuckDbStore.open(a.db + '.prefilter', { memoryLimit: a.memoryLimit });
  await enrichVictims(pre);
  await importIntelFile(pre, a.indicators, { source: 'bench', match });
  const pf = await time(ms, 'prefilterImportMatch', () => ingestFile(pre, a.flows, { match, prefilter: true }));
  if (pf.status !== 'imported' || !pf.fast) throw new Error('prefiltered flows not imported by the fast path');
  ms.prefilterScan = pf.timings?.scanMs ?? NaN;
  ms.prefilterLoad = pf.timings?.loadMs ?? NaN;
  ms.prefilterMatch = pf.timings?.matchMs ?? NaN;
  await time(ms, 'prefilterEnrich', () => enrichVictims(pre));
  const preCensus = await time(ms, 'prefilterCensus', () => censusByCountryAndAsn(pre));
  const prefilter = { stored: await countOf(pre, 'flows'), sightings: await countOf(pre, 'sightings'), victims: preCensus.victims };
  const preLater = a.laterIndicators ? await laterIntel(pre, a.laterIndicators, match) : undefined;
  await pre.close();
  return {
    ms,
    rows,
    sightings,
    victims,
    later,
    prefilter: { ...prefilter, later: preLater },
    fastPath: flows.fast === true,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Imports the later indicators: matched against the stored flows (and, with --prefilter, the file scanned again). */
async function laterIntel(store: DuckDbStore, file: string, match: { graceMs: number; deferEnrich: boolean }): Promise<LaterIntel> {
  const before = await countOf(store, 'sightings');
  const t = performance.now();
  const r = await importIntelFile(store, file, { source: 'bench-later', match });
  const ms = performance.now() - t;
  if (r.status !== 'imported') throw new Error('later indicators not imported');
  const victims = Number((await store.db.one<{ n: bigint }>(`SELECT count(DISTINCT victim) AS n FROM sightings`))!.n);
  return { ms, sightings: (await countOf(store, 'sightings')) - before, victims, rescanMs: r.rescan?.ms, rescanFlows: r.rescan?.flows };
}

/** The census by country and by ASN (three measures each), each timed. */
async function censusByCountryAndAsn(store: DuckDbStore) {
  const ms = { country: 0, asn: 0 };
  let victims = { active: 0, window: 0, cumulative: 0 };
  for (const by of ['country', 'asn'] as const) {
    const t = performance.now();
    const r = await runCensus(store, { by, measure: 'active', top: 10 });
    ms[by] = performance.now() - t;
    victims = { active: r.headline.active, window: r.headline.window, cumulative: r.headline.cumulative };
  }
  return { ms, victims };
}

async function countOf(store: DuckDbStore, tbl: 'flows' | 'sightings'): Promise<number> {
  return Number((await store.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${tbl}`))!.n);
}

/**
 * The flows' pipeline alone, storing every flow or with --prefilter, into a store of its own: the
 * repeats the bench runs in turn with the baselines, so that their ratios rest on more than one
 * run of each.
 */
export interface FlowsOnlyArgs {
  flowsOnly: true;
  prefilter: boolean;
  db: string;
  indicators: string;
  flows: string;
  memoryLimit: string;
}

/** Its end to end: import and match, enrichment, the census by country and ASN (the intel import before is not counted). */
export async function runFlowsOnly(a: FlowsOnlyArgs): Promise<{ ms: number }> {
  const match = { graceMs: 86_400_000, deferEnrich: true };
  const store = await DuckDbStore.open(a.db, { memoryLimit: a.memoryLimit });
  await enrichVictims(store);
  await importIntelFile(store, a.indicators, { source: 'bench', match });
  const t = performance.now();
  const r = await ingestFile(store, a.flows, { match, prefilter: a.prefilter });
  if (r.status !== 'imported' || !r.fast) throw new Error('flows not imported by the fast path');
  await enrichVictims(store);
  await censusByCountryAndAsn(store);
  const ms = performance.now() - t;
  await store.close();
  return { ms };
}

export interface ApiArgs {
  api: true;
  db: string;
  indicators: string;
  /** The botnet's flows (generateBotnetFlows): about one sighting per row. */
  flows: string;
  memoryLimit: string;
}

export interface ApiResult {
  sightings: number;
  victims: number;
  /** Building the store: import + match + enrich of the botnet flows. */
  buildMs: number;
  api: ApiLatency;
}

/** The dashboard's API over a store of the botnet's sightings (the 10 million). */
export async function runApi(a: ApiArgs): Promise<ApiResult> {
  const match = { graceMs: 86_400_000, deferEnrich: true };
  const store = await DuckDbStore.open(a.db, { memoryLimit: a.memoryLimit });
  const t0 = performance.now();
  await enrichVictims(store);
  await importIntelFile(store, a.indicators, { source: 'bench', match });
  const flows = await ingestFile(store, a.flows, { match });
  if (flows.status !== 'imported') throw new Error('botnet flows not imported');
  await enrichVictims(store);
  const buildMs = performance.now() - t0;
  const n = (await store.db.one<{ s: bigint; v: bigint }>(`SELECT count(*) AS s, count(DISTINCT victim) AS v FROM sightings`))!;
  const api = await measureApiLatency(store, { rounds: 3 });
  await store.close();
  return { sightings: Number(n.s), victims: Number(n.v), buildMs, api };
}

// Run as a child: arguments as one JSON string, result as JSON on stdout.
if (process.argv[1]?.endsWith('pipeline.js') && process.argv[2]) {
  const args = JSON.parse(process.argv[2]) as PipelineArgs | ApiArgs | FlowsOnlyArgs;
  ('api' in args ? runApi(args) : 'flowsOnly' in args ? runFlowsOnly(args) : runPipeline(args)).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
