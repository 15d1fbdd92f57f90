// npm run bench [-- --rows N] [--seed S] [--dir PATH] [--repeats N] [--json] [--keep]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { renderBench, runBench } from '../src/bench/run.js';

const o = new Command('bench')
  .option('--rows <n>', 'flow rows (up to 100,000,000)', '10000000')
  .option('--seed <n>', 'random seed', '42')
  .option('--dir <path>', 'scratch folder (not the repo)', join(tmpdir(), 'botcensus-bench'))
  .option('--grep-slice <n>', 'rows grep reads (scaled)', '2000000')
  .option('--memory-limit <size>', "DuckDB's memory limit", '1GB')
  .option('--api-rows <n>', "flow rows of the API benchmark's botnet store (about one sighting each; 0 skips it)", '8500000')
  .option('--repeats <n>', "more rounds of both pipelines end to end, DuckDB's count and the Node.js Set, in turn (the rate targets judge their medians)", '4')
  .option('--json', 'print the report as JSON')
  .option('--keep', 'keep the generated files')
  .parse()
  .opts();

const rows = Number(o.rows);
if (!Number.isInteger(rows) || rows < 1000 || rows > 100_000_000) throw new Error('--rows takes 1,000 to 100,000,000');
const report = await runBench({
  rows,
  seed: Number(o.seed),
  dir: o.dir,
  grepSlice: Number(o.grepSlice),
  memoryLimit: o.memoryLimit,
  apiRows: Number(o.apiRows),
  repeats: Number(o.repeats),
  log: (l) => process.stderr.write(l + '\n'),
});
process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderBench(report) + '\n');
if (!o.keep) rmSync(o.dir, { recursive: true, force: true });
