// What the pipeline is measured against, on the same files in the same run: DuckDB counting the
// CSV (the practical limit), grep -F -w -f (the analyst's habit) and a plain Node.js line reader
// with a Set of indicator strings.
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';

export interface BaselineResult {
  rows: number;
  ms: number;
  rowsPerSec: number;
  /** When measured on a slice and scaled. */
  sliceRows?: number;
}

export async function duckdbCount(file: string): Promise<BaselineResult> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const t = performance.now();
  const r = await c.runAndReadAll(`SELECT count(*) AS n FROM read_csv('${file.replace(/'/g, "''")}')`);
  const ms = performance.now() - t;
  const rows = Number((r.getRowObjectsJS()[0] as { n: bigint }).n);
  c.closeSync();
  db.closeSync();
  return { rows, ms, rowsPerSec: rows / (ms / 1000) };
}

/** grep over the first `slice` rows (written to `sliceFile`), scaled to rows per second. */
export function grepBaseline(flows: string, patterns: string, slice: number, sliceFile: string): BaselineResult {
  const head = spawnSync('sh', ['-c', `head -n ${slice + 1} '${flows}' > '${sliceFile}'`]);
  if (head.status !== 0) throw new Error('head failed');
  const t = performance.now();
  const g = spawnSync('grep', ['-F', '-w', '-c', '-f', patterns, sliceFile], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (g.status !== 0 && g.status !== 1) throw new Error(`grep failed: ${g.stderr}`);
  return { rows: slice, ms, rowsPerSec: slice / (ms / 1000), sliceRows: slice };
}

/** Single-threaded Node.js: split each line, look both addresses up in a Set. */
export async function nodeSetBaseline(flows: string, values: string): Promise<BaselineResult & { hits: number }> {
  const set = new Set(readFileSync(values, 'utf8').split('\n').filter(Boolean));
  const t = performance.now();
  let rows = 0;
  let hits = 0;
  const rl = createInterface({ input: createReadStream(flows, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    if (first) {
      first = false;
      continue;
    }
    rows++;
    const c = line.split(',');
    if (set.has(c[3]!) || set.has(c[5]!)) hits++;
  }
  const ms = performance.now() - t;
  return { rows, ms, rowsPerSec: rows / (ms / 1000), hits };
}

export function writeShadowserver(file: string, rows: number): void {
  const out = ['"timestamp","protocol","src_ip","src_port","src_asn","src_geo","dst_ip","dst_port","infection","family","tag"'];
  for (let i = 0; i < rows; i++)
    out.push(`"2024-06-01 ${String(i % 24).padStart(2, '0')}:00:00","tcp","198.51.100.${i % 250}",${1024 + (i % 60000)},64500,"US","192.0.2.10",443,"bench","bench","bench"`);
  writeFileSync(file, out.join('\n') + '\n');
}
