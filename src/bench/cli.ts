// The command line's answer times on a demo-sized store (the demo's 260,000 devices: about 600k
// victim addresses, 3.5M sightings), each command a fresh process as a user runs it, against two
// baselines run in the same call: Node.js starting and stopping (`node -e 0`) and a fresh process
// opening the store with DuckDB alone and counting the sightings.
// Alone: `npm run build && node dist/src/bench/cli.js [--db FILE]` (builds the store with
// `botcensus demo` when FILE does not exist, about 2 minutes). FILE is kept as the demo left it:
// each run works on a copy, so its first questions are always the first after an import.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const DEFAULT_DB = join(ROOT, '.bench/cli-demo.duckdb');

interface Timed {
  name: string;
  /** Every run, ms. */
  runs: number[];
  median: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function time(args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 << 20 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 400)}`);
  return ms;
}

function timed(name: string, runs: number, args: string[], log: (line: string) => void): Timed {
  const xs = Array.from({ length: runs }, () => time(args));
  const t = { name, runs: xs, median: median(xs) };
  log(`${name}: median ${(t.median / 1000).toFixed(2)} s`);
  return t;
}

/** A fresh process that opens the store with DuckDB alone and counts the sightings. */
const DUCKDB_COUNT = `
  import { DuckDBInstance } from '@duckdb/node-api';
  const i = await DuckDBInstance.create(process.argv[1]);
  const c = await i.connect();
  await c.runAndReadAll('SELECT count(*) FROM sightings');`;

export async function cliBench(
  log: (line: string) => void,
  o: { db?: string; runs?: number } = {},
): Promise<{ name: string; lines: string[]; targets: { name: string; met: boolean; detail: string }[]; json: unknown }> {
  const kept = o.db ?? DEFAULT_DB;
  const runs = o.runs ?? 3;
  let demo: Timed | undefined;
  if (!existsSync(kept)) {
    log(`building the demo-sized store ${kept} (botcensus demo, about 2 minutes)`);
    mkdirSync(join(kept, '..'), { recursive: true });
    const files = join(ROOT, '.bench/cli-demo-files');
    demo = timed('botcensus demo (generates and imports 90 files)', 1, [CLI, '--db', kept, 'demo', '--dir', files, '--json'], log);
    rmSync(files, { recursive: true, force: true });
  }
  const scratch = mkdtempSync(join(tmpdir(), 'botcensus-bench-cli-'));
  const db = join(scratch, 'store.duckdb');
  copyFileSync(kept, db);
  if (existsSync(`${kept}.wal`)) copyFileSync(`${kept}.wal`, `${db}.wal`);
  // Warm: the first question after the demo's import computes the windows this store keeps.
  time([CLI, '--db', db, 'census']);
  time([CLI, '--db', db, 'victims', '--limit', '100']);
  const report = join(scratch, 'r.html');
  const node0 = timed('node -e 0 (baseline)', 5, ['-e', '0'], log);
  const count = timed('DuckDB count(*) of the sightings, fresh process (baseline)', runs, ['--input-type=module', '-e', DUCKDB_COUNT, db], log);
  const help = timed('botcensus --help', 5, [CLI, '--help'], log);
  const census = timed('botcensus census', runs, [CLI, '--db', db, 'census'], log);
  const victims = timed('botcensus victims --limit 100', runs, [CLI, '--db', db, 'victims', '--limit', '100'], log);
  const owners = timed('botcensus owners list', runs, [CLI, '--db', db, 'owners', 'list'], log);
  const firstReport = timed('botcensus report --out r.html, the first after the import', 1, [CLI, '--db', db, 'report', '--out', report], log);
  const rep = timed('botcensus report --out r.html, again', 2, [CLI, '--db', db, 'report', '--out', report], log);
  rmSync(scratch, { recursive: true, force: true });

  const all = [...(demo ? [demo] : []), node0, count, help, census, victims, owners, firstReport, rep];
  const lines = all.map((t) => `${t.name.padEnd(60)} ${(t.median / 1000).toFixed(2).padStart(7)} s  (runs: ${t.runs.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
  const target = (t: Timed, limitMs: number) => ({
    name: `${t.name} under ${limitMs} ms`,
    met: t.median < limitMs,
    detail: `${t.median.toFixed(0)} ms = ${(t.median / node0.median).toFixed(1)}x node -e 0 (${node0.median.toFixed(0)} ms), ${(t.median / count.median).toFixed(1)}x DuckDB's count (${count.median.toFixed(0)} ms)`,
  });
  const targets = [target(help, 300), target(census, 1000), target(victims, 1000), target(owners, 2000), target(firstReport, 10_000), target(rep, 10_000)];
  return { name: 'cli', lines, targets, json: { db: kept, timings: all } };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--db');
  const r = await cliBench((l) => process.stderr.write(l + '\n'), { db: i > 0 ? process.argv[i + 1] : undefined });
  process.stdout.write(r.lines.join('\n') + '\n\n');
  for (const t of r.targets) process.stdout.write(`${t.met ? 'met    ' : 'NOT MET'} ${t.name}: ${t.detail}\n`);
}
