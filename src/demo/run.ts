// `botcensus demo`: builds the seeded scenario, runs the whole pipeline on it (intel import,
// warninglists, telemetry ingest, match, enrich, census) and checks the census against the truth.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCensus, type CensusReport } from '../census/census.js';
import { ipLocationDb } from '../core/geo-data.js';
import { importIntelFile } from '../intel/import.js';
import { BotcensusError } from '../core/errors.js';
import { openStore, type StoreLocation } from '../store/open.js';
import { readMeta, writeMeta } from '../store/meta.js';
import type { Store } from '../store/store.js';
import { ingestFile } from '../telemetry/ingest.js';
import { CountrySpace } from './address-space.js';
import { demoCountries } from './countries.js';
import { indicatorText, stixBundle, warninglists } from './infrastructure.js';
import { Random } from './random.js';
import { plantDevices, writeTelemetry, type ScenarioOptions, type Truth } from './scenario.js';
import { enrichVictims } from '../enrich/enrich.js';
import { census } from '../census/count.js';

/** The sources the demo's indicators and warninglists are imported under. */
const DEMO_SOURCES = ['demo-advisory', 'demo-warninglist'];

export interface DemoOptions {
  /** A DuckDB file (made anew) or an empty ClickHouse database. */
  store: StoreLocation;
  dir: string;
  seed: number;
  /** 1 = the advisory's 260,000 devices. */
  scale: number;
  coverage: number;
  log: (line: string) => void;
  step: (label: string) => void;
}

export interface DemoResult {
  truth: Truth;
  active: CensusReport;
  /** Per country: true share and measured active share, in percentage points. */
  comparison: { cc: string; trueShare: number; measuredShare: number; diffPp: number }[];
  maxDiffPp: number;
  files: number;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const start = Date.UTC(2024, 5, 1);
  const scenario: ScenarioOptions = { seed: o.seed, start, days: 30, coverage: o.coverage, departedShare: 0.35 };
  const rnd = new Random(o.seed);
  const geo = ipLocationDb();
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(join(o.dir, 'intel'), { recursive: true });

  o.step('planting devices in the access networks (ISPs) of each country');
  const plan = demoCountries(o.scale);
  const space = await CountrySpace.load(geo.countryV4[0]!, geo.asnV4[0]!, new Set(plan.map((p) => p.cc)));
  const devices = plantDevices(plan, space, scenario, rnd);

  o.step(`writing 30 days of telemetry for ${devices.length} devices`);
  const truth = writeTelemetry(join(o.dir, 'telemetry'), devices, space, scenario, rnd);
  writeFileSync(join(o.dir, 'intel', 'advisory-iocs.txt'), indicatorText(start));
  writeFileSync(join(o.dir, 'intel', 'advisory-stix.json'), stixBundle(start));
  for (const w of warninglists()) writeFileSync(join(o.dir, 'intel', w.name), w.json);

  const store = await emptyStore(o.store);
  const match = { graceMs: 86_400_000 };
  // Telemetry files are enriched once after the last one rather than file by file.
  const batch = { ...match, deferEnrich: true };
  try {
    o.step('importing indicators and warninglists');
    for (const f of ['demo-public-dns.json', 'demo-scanners.json', 'advisory-iocs.txt', 'advisory-stix.json']) {
      const r = await importIntelFile(store, join(o.dir, 'intel', f), { source: f.startsWith('advisory') ? DEMO_SOURCES[0] : DEMO_SOURCES[1], family: 'raptor-train-demo', match });
      if (r.status === 'imported') {
        o.log(`  ${f}: ${r.format}, ${r.indicators + r.warnings} entries, ${r.counts.skipped?.length ?? 0} sections skipped (reported), ${r.counts.rejected} rejected`);
        for (const s of r.counts.skipped ?? []) o.log(`    skipped lines ${s.fromLine}-${s.toLine}: ${s.reason}`);
      }
    }
    o.step('ingesting telemetry (nfdump CSV, Zeek dns.log, Shadowserver sinkhole), matching, enriching');
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(join(o.dir, 'telemetry')).sort();
    let rows = 0;
    let n = 0;
    for (const f of files) {
      const r = await ingestFile(store, join(o.dir, 'telemetry', f), { match: batch });
      if (r.status === 'imported') rows += r.counts.records;
      if (++n % 10 === 0 || n === files.length) o.log(`  ${n}/${files.length} files, ${rows.toLocaleString('en-US')} records`);
    }
    const enriched = await enrichVictims(store);
    o.log(`  enriched ${enriched.toLocaleString('en-US')} victim addresses (ASN, organisation, country)`);
    o.step('census');
    const active = await runCensus(store, { by: 'country', measure: 'active', top: 10 });
    const measured = await census(store, { by: 'country', measure: 'active', top: 1000, from: active.window.from, to: active.window.to });
    const comparison = [...truth.activeByCountry.entries()]
      .map(([cc, n]) => {
        const row = measured.rows.find((r) => r.key === cc);
        const trueShare = (100 * n) / truth.active;
        const measuredShare = 100 * (row?.share ?? 0);
        return { cc, trueShare, measuredShare, diffPp: measuredShare - trueShare };
      })
      .sort((a, b) => b.trueShare - a.trueShare);
    const maxDiffPp = Math.max(...comparison.map((c) => Math.abs(c.diffPp)));
    return { truth, active, comparison, maxDiffPp, files: files.length };
  } finally {
    await store.close();
  }
}

/** The `meta` key the demo marks its store with: a DuckDB file holding it is the demo's to make anew. */
const DEMO_MARK = 'demo_store';

/**
 * The demo's store, empty: a DuckDB file made anew when it is missing, empty or the demo's own; a
 * ClickHouse database that holds nothing yet. A store holding anything else is never written
 * over (a $BOTCENSUS_DB left pointing at a real store, say).
 */
async function emptyStore(loc: StoreLocation): Promise<Store> {
  if (loc.engine === 'duckdb' && existsSync(loc.path)) {
    if (await holdsOthers(loc)) refuse(`${loc.path} holds imports the demo did not make: name another file (--db)`);
    for (const f of [loc.path, loc.path + '.wal']) rmSync(f, { force: true });
  }
  const { store } = await openStore(loc, { create: true });
  if (loc.engine === 'clickhouse' && (await store.listImports()).length) {
    await store.close();
    refuse(`${loc.display} holds imports already: name a new database (the demo never empties one)`);
  }
  await writeMeta(store.driver, DEMO_MARK, '1');
  return store;
}

/**
 * Whether an existing store holds imports and is not one the demo made: it has no mark, and its
 * indicators are not only the demo's (a demo store made before the mark holds those alone).
 */
async function holdsOthers(loc: StoreLocation): Promise<boolean> {
  const { store } = await openStore(loc);
  try {
    if ((await readMeta(store.driver, DEMO_MARK)) !== undefined) return false;
    const imports = await store.listImports();
    const intel = imports.filter((i) => i.kind === 'intel');
    const demoOnly = intel.length > 0 && intel.every((i) => DEMO_SOURCES.includes(i.source ?? ''));
    return imports.length > 0 && !demoOnly;
  } finally {
    await store.close();
  }
}

function refuse(why: string): never {
  throw new BotcensusError('USAGE', `the demo builds its scenario in an empty store, and ${why}`);
}
