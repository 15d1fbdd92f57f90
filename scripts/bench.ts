// npm run bench [-- --rows N] [--ipv6-share F] [--seed S] [--dir PATH] [--repeats N] [--part NAME ...] [--json] [--keep]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { benchParts, type BenchPartResult } from '../src/bench/parts.js';
import { renderBench, runBench } from '../src/bench/run.js';

const o = new Command('bench')
  .option('--rows <n>', 'flow rows (up to 100,000,000)', '10000000')
  .option('--ipv6-share <fraction>', 'share of the benign flows that are IPv6 (a third or more of a real feed)', '0.35')
  .option('--seed <n>', 'random seed', '42')
  .option('--dir <path>', 'scratch folder (not the repo)', join(tmpdir(), 'botcensus-bench'))
  .option('--grep-slice <n>', 'rows grep reads (scaled)', '2000000')
  .option('--memory-limit <size>', "DuckDB's memory limit", '1GB')
  .option('--api-rows <n>', "flow rows of the API benchmark's botnet store (about one sighting each; 0 skips it)", '8500000')
  .option('--repeats <n>', "more rounds of both pipelines end to end, DuckDB's count and the Node.js Set, in turn (the rate targets judge their medians)", '4')
  .option('--part <name...>', `run only these parts: pipeline (flows, API), ${Object.keys(benchParts).join(', ') || 'none other yet'}`)
  .option('--store <url>', 'a ClickHouse store (clickhouse://user:password@host:8123/db[?cluster=NAME]): the store part imports the flow file into it and into DuckDB, the store-scale part times the census on 100M flows; alone, only those parts run')
  .option('--store-rows <n>', 'flow rows of the store part', '1000000')
  .option('--scale-flows <n>', 'flow rows the store-scale part fills the ClickHouse store with', '100000000')
  .option('--scale-sightings <n>', 'sightings the store-scale part fills the ClickHouse store with', '1000000')
  .option('--json', 'print the report as JSON')
  .option('--keep', 'keep the generated files')
  .parse()
  .opts();

const rows = Number(o.rows);
function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
if (!Number.isInteger(rows) || rows < 1000 || rows > 100_000_000) usage('--rows takes 1,000 to 100,000,000');
const ipv6Share = Number(o.ipv6Share);
if (!(ipv6Share >= 0 && ipv6Share <= 1)) usage('--ipv6-share takes 0 to 1');
if (o.store) {
  process.env.BOTCENSUS_BENCH_STORE = o.store;
  process.env.BOTCENSUS_BENCH_STORE_ROWS = o.storeRows;
  process.env.BOTCENSUS_BENCH_SCALE_FLOWS = o.scaleFlows;
  process.env.BOTCENSUS_BENCH_SCALE_SIGHTINGS = o.scaleSightings;
}
const wanted: string[] = o.part ?? (o.store ? ['store', 'store-scale'] : ['pipeline', ...Object.keys(benchParts)]);
for (const name of wanted)
  if (name !== 'pipeline' && !benchParts[name]) usage(`--part: no part ${name} (pipeline, ${Object.keys(benchParts).join(', ')})`);
const log = (l: string) => process.stderr.write(l + '\n');
const report = !wanted.includes('pipeline') ? undefined : await runBench({
  rows,
  seed: Number(o.seed),
  dir: o.dir,
  grepSlice: Number(o.grepSlice),
  memoryLimit: o.memoryLimit,
  apiRows: Number(o.apiRows),
  ipv6Share,
  repeats: Number(o.repeats),
  log,
});
const parts: BenchPartResult[] = [];
for (const name of wanted.filter((n) => n !== 'pipeline')) {
  log(`== bench part: ${name}`);
  parts.push(await (await benchParts[name]!())(log));
}
if (o.json) process.stdout.write(JSON.stringify({ ...report, parts }, null, 2) + '\n');
else {
  if (report) process.stdout.write(renderBench(report) + '\n');
  for (const p of parts)
    process.stdout.write(['', `== ${p.name}`, ...p.lines, ...p.targets.map((t) => `${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.detail}`)].join('\n') + '\n');
}
if (!o.keep) rmSync(o.dir, { recursive: true, force: true });
