// The mail benchmark: messages per second of `botcensus mail scan` over a generated mbox (1 GB by
// default), and its peak memory, against baselines run in the same call on the same file:
// splitting the mbox alone, and postal-mime parsing alone (on a sample of the messages). The scan
// runs in a child process so its peak memory is its own; memory is sampled as the scan goes
// (reading, then judging the campaigns). It runs twice, on the mbox and on one a quarter of its
// size: bounded memory means the two peaks stay close. Rates are given per second of wall time and
// per second of CPU time (the process's, DuckDB's threads included): on a shared machine the
// wall time says more about the neighbours than about botcensus, so the target compares CPU rates.
//   node dist/src/bench/mail.js [--bytes 200MB]    (or BOTCENSUS_MAIL_BENCH_BYTES)
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import PostalMime from 'postal-mime';
import { splitMbox } from '../mail/mbox.js';
import { scanMail } from '../mail/scan.js';
import { DuckDbStore } from '../store/duckdb/index.js';
import { mailboxes, ordinaryMail, Random, toMbox, trackingCampaign } from '../mail/corpus.js';
import { cpuMs } from './cpu.js';

export interface MailBenchOptions {
  /** Size of the generated mbox (default 1 GiB). */
  bytes?: number;
  dir?: string;
}

/** Messages the parse-only baseline reads (a sample: the rate, not the whole file, is compared). */
const PARSE_SAMPLE = 20_000;
/**
 * The scan must keep this share of postal-mime's parse rate alone, per CPU second: reading the
 * resources, grading them, storing them and judging the campaigns cost at most three times the
 * MIME parse itself.
 */
const MIN_PARSE_SHARE = 0.25;
/** Peak memory scanning the mbox against scanning one a quarter of its size... */
const MAX_PEAK_GROWTH = 1.3;
/** ...and at most this (DuckDB's 256 MB included). */
const MAX_PEAK_MB = 600;

interface ChildResult {
  messages: number;
  added: number;
  ms: number;
  cpuMs: number;
  /** Of which judging the campaigns after reading. */
  judgeMs: number;
  judgePeakRssMb: number;
  judgePeakHeapMb: number;
  campaigns: Record<string, number>;
  peakRssMb: number;
  firstQuarterPeakRssMb: number;
  /** The JavaScript heap (main thread) while reading, over the whole file and its first quarter. */
  peakHeapMb: number;
  firstQuarterPeakHeapMb: number;
}

/**
 * DuckDB's memory limit in the scan's process, as a user bounds it with BOTCENSUS_MEMORY_LIMIT: its
 * cache would otherwise grow with the store. Judging sorts one pass of messages at a time.
 */
const STORE_MEMORY_LIMIT = '256MB';

export async function mailBench(log: (line: string) => void, opts: MailBenchOptions = {}) {
  const bytes = opts.bytes ?? benchBytes();
  const dir = resolve(opts.dir ?? '.bench/mail');
  mkdirSync(dir, { recursive: true });
  const mbox = async (n: number) => {
    const file = join(dir, `mail-${n}.mbox`);
    if (!existsSync(file) || statSync(file).size < n) {
      log(`generating ${(n / 2 ** 20).toFixed(0)} MB of mail in ${file}`);
      await generateMbox(file, n);
    }
    return file;
  };
  const file = await mbox(bytes);
  const quarterFile = await mbox(Math.round(bytes / 4));
  const size = statSync(file).size;

  log('baseline: splitting the mbox alone');
  let t = performance.now();
  let cpu = process.cpuUsage();
  let split = 0;
  for await (const m of splitMbox(createReadStream(file, { highWaterMark: 1 << 20 }), () => undefined)) if (m.bytes.length) split++;
  const splitMs = performance.now() - t;
  const splitCpuMs = cpuMs(cpu);

  log(`baseline: postal-mime alone on the first ${PARSE_SAMPLE} messages`);
  let parsed = 0;
  t = performance.now();
  cpu = process.cpuUsage();
  for await (const m of splitMbox(createReadStream(file, { highWaterMark: 1 << 20 }), () => undefined)) {
    await PostalMime.parse(m.bytes, { attachmentEncoding: 'arraybuffer' });
    if (++parsed >= PARSE_SAMPLE) break;
  }
  const parseMs = performance.now() - t;
  const parseCpuMs = cpuMs(cpu);

  log('botcensus mail scan, in a child process');
  const scan = scanInChild(file, dir);
  log('botcensus mail scan of a quarter of the mbox, in a child process');
  const quarter = scanInChild(quarterFile, dir);

  const rate = (n: number, ms: number) => n / (ms / 1000);
  const scanRate = rate(scan.messages, scan.ms);
  const splitRate = rate(split, splitMs);
  const parseRate = rate(parsed, parseMs);
  const scanCpuRate = rate(scan.messages, scan.cpuMs);
  const parseCpuRate = rate(parsed, parseCpuMs);
  const mb = size / 2 ** 20;
  const row = (label: string, n: number, ms: number, cpu: number, extra = '') =>
    `  ${label.padEnd(30)} ${rate(n, ms).toFixed(0).padStart(7)} msg/s ${rate(n, cpu).toFixed(0).padStart(7)} msg/CPU-s${extra}`;
  const lines = [
    `mail: ${mb.toFixed(0)} MB mbox, ${scan.messages} messages (${(size / scan.messages / 1024).toFixed(1)} KB each on average)`,
    row('split only (baseline)', split, splitMs, splitCpuMs, `  ${(mb / (splitMs / 1000)).toFixed(1)} MB/s`),
    row('postal-mime only (baseline)', parsed, parseMs, parseCpuMs, `  (the first ${parsed} messages)`),
    row('botcensus mail scan', scan.messages, scan.ms, scan.cpuMs, `  ${(mb / (scan.ms / 1000)).toFixed(1)} MB/s, ${(scan.ms / 1000).toFixed(1)} s (judging ${(scan.judgeMs / 1000).toFixed(1)} s)`),
    `  peak RSS while reading         ${scan.peakRssMb.toFixed(0).padStart(7)} MB (first quarter of the file: ${scan.firstQuarterPeakRssMb.toFixed(0)} MB); judging: ${scan.judgePeakRssMb.toFixed(0)} MB; DuckDB limited to ${STORE_MEMORY_LIMIT}`,
    `  peak JS heap                   ${scan.peakHeapMb.toFixed(0).padStart(7)} MB reading (first quarter of the file: ${scan.firstQuarterPeakHeapMb.toFixed(0)} MB); judging: ${scan.judgePeakHeapMb.toFixed(0)} MB`,
    `  a quarter of the mbox          ${rate(quarter.messages, quarter.ms).toFixed(0).padStart(7)} msg/s ${rate(quarter.messages, quarter.cpuMs).toFixed(0).padStart(7)} msg/CPU-s  ${quarter.messages} messages; peak RSS ${quarter.peakRssMb.toFixed(0)} MB reading, ${quarter.judgePeakRssMb.toFixed(0)} MB judging`,
    `  campaigns                      ${Object.entries(scan.campaigns).map(([k, v]) => `${v} ${k}`).join(', ')}`,
  ];
  const share = scanCpuRate / parseCpuRate;
  const peak = Math.max(scan.peakRssMb, scan.judgePeakRssMb);
  const quarterPeak = Math.max(quarter.peakRssMb, quarter.judgePeakRssMb);
  const growth = peak / quarterPeak;
  const targets = [
    { name: 'mail scan rate vs postal-mime alone', met: share >= MIN_PARSE_SHARE, detail: `${(share * 100).toFixed(0)}% of the parse-only rate per CPU second (target ≥ ${MIN_PARSE_SHARE * 100}%); wall: ${scanRate.toFixed(0)} vs ${parseRate.toFixed(0)} msg/s` },
    {
      name: 'mail scan memory bounded',
      met: growth <= MAX_PEAK_GROWTH && peak <= MAX_PEAK_MB,
      detail: `peak RSS ${peak.toFixed(0)} MB scanning ${mb.toFixed(0)} MB, ${quarterPeak.toFixed(0)} MB scanning a quarter of it: ×${growth.toFixed(2)} (target ≤ ×${MAX_PEAK_GROWTH} and ≤ ${MAX_PEAK_MB} MB)`,
    },
  ];
  return { name: 'mail', lines, targets, json: { bytes: size, scan, quarter, baselines: { splitMs, splitCpuMs, split, parseMs, parseCpuMs, parsed }, rates: { scan: scanRate, split: splitRate, parse: parseRate, scanCpu: scanCpuRate, parseCpu: parseCpuRate } } };
}

/** The scan of one mbox into a new store, in a child process of its own. */
function scanInChild(file: string, dir: string): ChildResult {
  const db = join(dir, 'bench.duckdb');
  const clean = () => {
    for (const f of [db, db + '.wal']) rmSync(f, { force: true });
  };
  clean();
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, db], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(out) as ChildResult;
  } finally {
    clean();
  }
}

function benchBytes(): number {
  const i = process.argv.indexOf('--bytes');
  const v = i >= 0 ? process.argv[i + 1] : process.env.BOTCENSUS_MAIL_BENCH_BYTES;
  if (!v) return 2 ** 30;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?i?b?$/i.exec(v.trim());
  if (!m) throw new Error(`--bytes takes a size like 200MB or 1GB, not ${JSON.stringify(v)}`);
  return Math.round(Number(m[1]) * { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, '': 1 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g' | '']);
}

/** Ordinary mail in batches, a 50-recipient tracking campaign every tenth batch, until `bytes`. */
async function generateMbox(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file);
  const rnd = new Random(22);
  const boxes = mailboxes(400);
  let written = 0;
  for (let batch = 0; written < bytes; batch++) {
    const msgs = ordinaryMail(2000, boxes, rnd);
    if (batch % 10 === 0) msgs.push(...trackingCampaign(boxes.slice((batch * 7) % 300, ((batch * 7) % 300) + 50), (['query', 'path', 'subdomain', 'base64', 'redirect'] as const)[batch % 5]!, rnd, `bench${batch}`));
    const text = toMbox(msgs);
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}

/** The scan itself, in this (child) process: prints its result and memory as JSON. */
async function child(file: string, db: string): Promise<void> {
  const size = statSync(file).size;
  let peak = 0;
  let quarterPeak = 0;
  let heapPeak = 0;
  let quarterHeapPeak = 0;
  let judgePeak = 0;
  let judgeHeapPeak = 0;
  let judging = false;
  let done = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    if (judging) {
      judgePeak = Math.max(judgePeak, rss);
      judgeHeapPeak = Math.max(judgeHeapPeak, heapUsed);
    } else {
      peak = Math.max(peak, rss);
      heapPeak = Math.max(heapPeak, heapUsed);
    }
    if (done <= size / 4) {
      quarterPeak = Math.max(quarterPeak, rss);
      quarterHeapPeak = Math.max(quarterHeapPeak, heapUsed);
    }
  };
  const timer = setInterval(sample, 100);
  const store = await DuckDbStore.open(db, { threads: 2, memoryLimit: STORE_MEMORY_LIMIT });
  const t = performance.now();
  const cpu = process.cpuUsage();
  let judgeFrom = 0;
  const r = await scanMail(store, [file], {
    onProgress: (_f, n) => (done = n),
    onStoring: () => console.error('  every file read; storing the last messages'),
    onJudging: () => {
      console.error('  judging the campaigns');
      sample();
      judging = true;
      judgeFrom = performance.now();
    },
  });
  const ms = performance.now() - t;
  const cpuSpent = cpuMs(cpu);
  sample();
  clearInterval(timer);
  await store.close();
  const mb = (n: number) => n / 2 ** 20;
  const result: ChildResult = {
    messages: r.messages,
    added: r.added,
    ms,
    cpuMs: cpuSpent,
    judgeMs: performance.now() - judgeFrom - (performance.now() - t - ms),
    judgePeakRssMb: mb(judgePeak),
    judgePeakHeapMb: mb(judgeHeapPeak),
    campaigns: r.campaigns,
    peakRssMb: mb(peak),
    firstQuarterPeakRssMb: mb(quarterPeak),
    peakHeapMb: mb(heapPeak),
    firstQuarterPeakHeapMb: mb(quarterHeapPeak),
  };
  process.stdout.write(JSON.stringify(result));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
  else {
    const r = await mailBench((l) => console.error(l));
    for (const l of r.lines) console.log(l);
    for (const t of r.targets) console.log(`${t.met ? 'MET ' : 'MISS'} ${t.name}: ${t.detail}`);
  }
}
