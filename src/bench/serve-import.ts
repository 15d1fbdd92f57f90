// Bench part: the dashboard while data flows in. A server holds a botnet store; the dashboard's
// questions are asked while it is idle, then while `botcensus ingest` of a large flow file runs
// (handed to the server, as from an operator's shell or a drop folder). Reports p95 of both.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentiles } from '../server/latency.js';
import { generateBenchFiles, generateBotnetFlows } from './generate.js';
import type { BenchPartResult } from './parts.js';
import { allocations } from './run.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const QUESTIONS = ['overview', 'countries', 'victims', 'charts/map', 'charts/trend', 'victims?sort=events&dir=desc&offset=50', 'countries?sort=label&dir=asc'];

export interface ServeImportOptions {
  /** Flow rows of the store the dashboard reads (default 2,000,000). */
  storeRows?: number;
  /** Flow rows of the file imported while the dashboard is asked (default 10,000,000). */
  importRows?: number;
  dir?: string;
}

function botcensus(db: string, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, '--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`botcensus ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export async function serveImportBench(log: (line: string) => void, o: ServeImportOptions = {}): Promise<BenchPartResult> {
  const storeRows = o.storeRows ?? 2_000_000;
  const importRows = o.importRows ?? 10_000_000;
  const dir = o.dir ?? join(tmpdir(), 'botcensus-bench-serve');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'serve.duckdb');
  const ranges = allocations();
  log(`serve during import: generating ${importRows.toLocaleString('en-US')} flow rows to import and a store of ${storeRows.toLocaleString('en-US')}`);
  const files = await generateBenchFiles(dir, importRows, 7, ranges);
  const botnet = join(dir, 'botnet.csv');
  await generateBotnetFlows(botnet, storeRows, 100_000, 8, ranges);
  botcensus(db, ['intel', 'import', files.indicatorsText, '--source', 'bench']);
  botcensus(db, ['ingest', botnet]);
  rmSync(botnet, { force: true });
  const token = /bct_\S+/.exec(botcensus(db, ['tokens', 'create', '--role', 'analyst']))![0];

  const server = spawn(process.execPath, [CLI, '--db', db, 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let serverLog = '';
  server.stderr!.on('data', (b: Buffer) => (serverLog += b.toString()));
  try {
    const t0 = Date.now();
    while (!existsSync(`${db}.server.json`)) {
      if (Date.now() - t0 > 300_000 || server.exitCode !== null) throw new Error(`the server did not start: ${serverLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { url } = JSON.parse(readFileSync(`${db}.server.json`, 'utf8')) as { url: string };
    const ask = async (path: string): Promise<number> => {
      const s = performance.now();
      const res = await fetch(`${url}/api/${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return performance.now() - s;
    };
    // Warm: the first answers (the background warm-up) before anything is measured.
    for (const q of QUESTIONS) await ask(q);
    const idle: number[] = [];
    for (let round = 0; round < 5; round++) for (const q of QUESTIONS) idle.push(await ask(q));

    log(`serve during import: ingest of ${importRows.toLocaleString('en-US')} rows handed to the server, dashboard asked meanwhile`);
    const during: number[] = [];
    const i0 = performance.now();
    const ingest = spawn(process.execPath, [CLI, '--db', db, 'ingest', files.flows], { stdio: 'ignore' });
    const ended = new Promise<number | null>((r) => ingest.once('exit', (code) => r(code)));
    let running = true;
    void ended.then(() => (running = false));
    while (running) for (const q of QUESTIONS) if (running) during.push(await ask(q));
    const importMs = performance.now() - i0;
    if ((await ended) !== 0) throw new Error('the handed-off ingest failed');
    const pi = percentiles(idle);
    const pd = percentiles(during);
    const lines = [
      `store of ${storeRows.toLocaleString('en-US')} botnet flow rows; import of ${importRows.toLocaleString('en-US')} rows handed to the server: ${(importMs / 1000).toFixed(1)} s`,
      `dashboard idle:         p50 ${pi.p50.toFixed(0)} ms, p95 ${pi.p95.toFixed(0)} ms, max ${pi.max.toFixed(0)} ms (${idle.length} answers)`,
      `dashboard during import: p50 ${pd.p50.toFixed(0)} ms, p95 ${pd.p95.toFixed(0)} ms, max ${pd.max.toFixed(0)} ms (${during.length} answers)`,
    ];
    return {
      name: 'dashboard during an import',
      lines,
      targets: [{ name: 'dashboard p95 during a large import < 300 ms', met: pd.p95 < 300, detail: `${pd.p95.toFixed(0)} ms during, ${pi.p95.toFixed(0)} ms idle` }],
      json: { storeRows, importRows, importMs, idle: pi, during: pd, answersDuring: during.length },
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const storeRows = Number(process.argv[2] ?? 2_000_000);
  const importRows = Number(process.argv[3] ?? 10_000_000);
  const r = await serveImportBench((l) => process.stderr.write(l + '\n'), { storeRows, importRows });
  process.stdout.write([...r.lines, ...r.targets.map((t) => `${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.detail}`)].join('\n') + '\n');
}
