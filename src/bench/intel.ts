// The intel benchmark: STIX bundles of two sizes (100 MB and 1 GB by default) generated into
// .bench/intel/, each imported into a fresh store in a child process (so its peak memory is its
// own), with indicators per second and peak RSS. The target is bounded memory: the larger bundle's
// peak within 1.3 times the smaller's, as a file streamed into the store needs the memory of its
// largest object and a batch, not of the file. The baseline, run in the same call on the smaller
// file, is the streaming tokenizer alone: what reading the JSON costs before any indicator is made.
// DuckDB's memory is limited as a user bounds it with BOTCENSUS_MEMORY_LIMIT.
//   node dist/src/bench/intel.js [--bytes 1GB] [--store-memory 128MB]
// (--bytes: the larger size, the smaller is a tenth of it; or BOTCENSUS_INTEL_BENCH_BYTES)
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@streamparser/json';
import { importIntelFile } from '../intel/import.js';
import { DuckDbStore } from '../store/duckdb/index.js';
import { cpuMs } from './cpu.js';

/** The larger bundle's peak RSS against the smaller's. */
const MAX_PEAK_RATIO = 1.3;
/**
 * DuckDB's memory limit in the import's process (--store-memory): its cache fills up to it as the
 * rows come, whatever the file. At 256 MB a 100 MB bundle's import does not fill it and a 1 GB one
 * does, so the ratio would measure DuckDB's cache, not the import; at 128 MB both fill it.
 */
const STORE_MEMORY_LIMIT = '128MB';

interface ChildResult {
  indicators: number;
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
}

export async function intelBench(log: (line: string) => void, opts: { bytes?: number; dir?: string } = {}) {
  const large = opts.bytes ?? benchBytes();
  const sizes = [Math.round(large / 10), large];
  const dir = resolve(opts.dir ?? '.bench/intel');
  mkdirSync(dir, { recursive: true });
  const runs: (ChildResult & { bytes: number; objects: number })[] = [];
  let baseline = { ms: 0, cpuMs: 0, bytes: 0 };
  try {
    for (const bytes of sizes) {
      const file = join(dir, `bundle-${bytes}.stix.json`);
      log(`generating a ${(bytes / 1e6).toFixed(0)} MB STIX bundle in ${file}`);
      const objects = await generateBundle(file, bytes);
      if (runs.length === 0) {
        log('baseline: the JSON tokenizer alone over it');
        baseline = await tokenizeOnly(file);
      }
      log(`importing it into a fresh store, in a child process`);
      const db = join(dir, 'bench.duckdb');
      rmSync(db, { force: true });
      rmSync(db + '.wal', { force: true });
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, db, '--store-memory', storeMemory()], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      runs.push({ ...(JSON.parse(out) as ChildResult), bytes: statSync(file).size, objects });
      rmSync(file, { force: true });
      rmSync(db, { force: true });
      rmSync(db + '.wal', { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mb = (n: number) => n / 1e6;
  const lines = [
    `intel: STIX bundles of ${sizes.map((s) => `${mb(s).toFixed(0)} MB`).join(' and ')}, imported into a fresh store each; DuckDB limited to ${storeMemory()}`,
    `  tokenizer alone (baseline)  ${mb(baseline.bytes).toFixed(0).padStart(5)} MB  ${(mb(baseline.bytes) / (baseline.ms / 1000)).toFixed(1).padStart(6)} MB/s  ${(mb(baseline.bytes) / (baseline.cpuMs / 1000)).toFixed(1).padStart(6)} MB/CPU-s`,
    ...runs.map(
      (r) =>
        `  import ${mb(r.bytes).toFixed(0).padStart(5)} MB bundle  ${String(r.indicators).padStart(9)} indicators  ${(r.indicators / (r.ms / 1000)).toFixed(0).padStart(7)} ind/s  ${(mb(r.bytes) / (r.ms / 1000)).toFixed(1).padStart(5)} MB/s  ${(r.indicators / (r.cpuMs / 1000)).toFixed(0).padStart(7)} ind/CPU-s  ${(r.ms / 1000).toFixed(1).padStart(6)} s  peak RSS ${r.peakRssMb.toFixed(0)} MB (JS heap ${r.peakHeapMb.toFixed(0)} MB)`,
    ),
  ];
  const [small, big] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const ratio = big.peakRssMb / small.peakRssMb;
  const targets = [
    {
      name: 'intel import memory bounded',
      met: ratio <= MAX_PEAK_RATIO,
      detail: `peak RSS ${big.peakRssMb.toFixed(0)} MB for ${mb(big.bytes).toFixed(0)} MB against ${small.peakRssMb.toFixed(0)} MB for ${mb(small.bytes).toFixed(0)} MB: ×${ratio.toFixed(2)} (target ≤ ×${MAX_PEAK_RATIO})`,
    },
    {
      name: 'intel import JS heap bounded',
      met: big.peakHeapMb / small.peakHeapMb <= MAX_PEAK_RATIO,
      detail: `peak JS heap ${big.peakHeapMb.toFixed(0)} MB against ${small.peakHeapMb.toFixed(0)} MB: ×${(big.peakHeapMb / small.peakHeapMb).toFixed(2)} (target ≤ ×${MAX_PEAK_RATIO})`,
    },
  ];
  return { name: 'intel', lines, targets, json: { baseline, runs, storeMemoryLimit: storeMemory() } };
}

function storeMemory(): string {
  const i = process.argv.indexOf('--store-memory');
  return i >= 0 ? process.argv[i + 1]! : process.env.BOTCENSUS_INTEL_BENCH_STORE_MEMORY ?? STORE_MEMORY_LIMIT;
}

function benchBytes(): number {
  const i = process.argv.indexOf('--bytes');
  const v = i >= 0 ? process.argv[i + 1] : process.env.BOTCENSUS_INTEL_BENCH_BYTES;
  if (!v) return 1e9;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?b?$/i.exec(v.trim());
  if (!m) throw new Error(`--bytes takes a size like 200MB or 1GB, not ${JSON.stringify(v)}`);
  return Math.round(Number(m[1]) * { k: 1e3, m: 1e6, g: 1e9, '': 1 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g' | '']);
}

/**
 * A bundle as feeds publish them: indicators for IPv6 addresses, domains and URLs (every value
 * distinct, in documentation space), one in ten objects a malware or relationship object.
 */
export async function generateBundle(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  const put = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  await put('{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": [\n');
  let n = 0;
  for (; written < bytes; n++) {
    const id = n.toString(16).padStart(12, '0');
    const uuid = `${id.slice(0, 8)}-0000-4000-8000-${id}`;
    let obj: Record<string, unknown>;
    if (n % 10 === 9) obj = n % 20 === 9 ? { type: 'malware', spec_version: '2.1', id: `malware--${uuid}`, name: `Family ${n % 97}`, is_family: true } : { type: 'relationship', spec_version: '2.1', id: `relationship--${uuid}`, relationship_type: 'indicates', source_ref: `indicator--${uuid}`, target_ref: `malware--${uuid}` };
    else {
      const kind = n % 3;
      const pattern =
        kind === 0 ? `[ipv6-addr:value = '2001:db8:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}::1']`
        : kind === 1 ? `[domain-name:value = 'c2-${id}.botnet.example']`
        : `[url:value = 'http://dl-${id}.botnet.example/bins/x86']`;
      obj = {
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${uuid}`,
        created: '2026-11-01T00:00:00.000Z',
        modified: '2026-11-01T00:00:00.000Z',
        name: 'Botnet infrastructure',
        description: `Proxy tier node ${n % 1000} of the bench botnet`,
        indicator_types: ['malicious-activity'],
        pattern,
        pattern_type: 'stix',
        valid_from: '2026-11-01T00:00:00Z',
        valid_until: '2027-02-01T00:00:00Z',
        labels: ['tlp:green', `tier-${n % 4}`],
      };
    }
    await put((n ? ',\n' : '') + JSON.stringify(obj));
  }
  await put('\n]}\n');
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return n;
}

/** The baseline: @streamparser/json's tokenizer over the file, every token counted and dropped. */
async function tokenizeOnly(file: string): Promise<{ ms: number; cpuMs: number; bytes: number }> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const tokenizer = new Tokenizer({ stringBufferSize: 64 << 10 });
  let tokens = 0;
  tokenizer.onToken = () => {
    tokens++;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) tokenizer.write(chunk as Buffer);
  tokenizer.end();
  if (tokens === 0) throw new Error('no tokens');
  return { ms: performance.now() - t, cpuMs: cpuMs(cpu), bytes: statSync(file).size };
}

/** The import itself, in this (child) process: prints its result and peak memory as JSON. */
async function child(file: string, db: string): Promise<void> {
  let peak = 0;
  let heapPeak = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak = Math.max(peak, rss);
    heapPeak = Math.max(heapPeak, heapUsed);
  };
  const timer = setInterval(sample, 100);
  const store = await DuckDbStore.open(db, { threads: 2, memoryLimit: storeMemory() });
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await importIntelFile(store, file, { match: { graceMs: 0 }, rescan: false });
  const ms = performance.now() - t;
  const cpuSpent = cpuMs(cpu);
  sample();
  clearInterval(timer);
  await store.close();
  if (r.status !== 'imported') throw new Error(`not imported: ${r.status}`);
  // The kernel's high-water mark: no peak between two samples is missed.
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  const result: ChildResult = { indicators: r.indicators, ms, cpuMs: cpuSpent, peakRssMb: peak / 2 ** 20, peakHeapMb: heapPeak / 2 ** 20 };
  process.stdout.write(JSON.stringify(result));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
  else {
    const r = await intelBench((l) => console.error(l));
    for (const l of r.lines) console.log(l);
    for (const t of r.targets) console.log(`${t.met ? 'MET ' : 'MISS'} ${t.name}: ${t.detail}`);
  }
}
