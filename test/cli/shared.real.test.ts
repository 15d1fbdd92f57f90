// The real third-party samples through the whole command line into one store: every indicator
// file, warninglist and telemetry sample imports (or fails with a clear reason), and the census,
// victims and lookup commands work on the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { shared } from '../shared.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const db = join(tempDir(), 'real.duckdb');

test('real indicator files and warninglists import through the CLI', () => {
  const lists = readdirSync(shared('intel/misp-warninglists')).filter((f) => f.endsWith('.json') && f !== 'schema.json');
  const r = cli(['--db', db, 'intel', 'import', shared('intel/lumen-raptor-train-iocs.txt'), shared('intel/maltrail-raptrain.txt'), '--source', 'raptor-train']);
  assert.equal(r.status, 0, r.stderr);
  // The encoded snippets under the table name its domains again: read, and merged as duplicates.
  assert.match(r.stdout, /lumen-raptor-train-iocs\.txt: text, 209 indicators, 42 duplicates merged, 0 rejected/);
  assert.match(r.stdout, /maltrail-raptrain\.txt: text, 204 indicators/);
  const w = cli(['--db', db, 'intel', 'import', ...lists.map((f) => shared(`intel/misp-warninglists/${f}`))]);
  assert.equal(w.status, 0, w.stderr);
  assert.equal((w.stdout.match(/warninglist, [\d,]+ warninglist entries/g) ?? []).length, lists.length);
  const ind = cliJson<{ type: string }[]>(['--db', db, 'intel', 'list', '--source', 'raptor-train']);
  assert.equal(ind.length, 209 + 204);
});

test('every real telemetry sample ingests, the Shadowserver file whose rows lack their last column as short rows', () => {
  const dirs = ['zeek', 'flows', 'reports/shadowserver', 'datasets/stratosphere'].map((d) => shared(d));
  const r = cli(['--db', db, 'ingest', ...dirs, '--json']);
  const results = JSON.parse(r.stdout) as { status: string; file: string; error?: string; counts?: { records: number; shortRows?: number } }[];
  const failed = results.filter((x) => x.status === 'failed');
  // Licence and README files in the sample folders are not telemetry; they must fail clearly.
  for (const f of failed) assert.match(f.error!, /no telemetry reader recognises this file|nothing imported/, f.file);
  const imported = results.filter((x) => x.status === 'imported');
  const short = imported.find((x) => x.file.endsWith('event4_honeypot_ddos.csv'));
  assert.ok(short && short.counts!.records > 0 && short.counts!.records === short.counts!.shortRows, JSON.stringify(short));
  assert.equal(imported.length, 30, `${imported.length} files imported`); // 6 Zeek logs, 4 flow samples, 19 Shadowserver CSVs, 1 Stratosphere log
  assert.ok(imported.some((x) => x.file.endsWith('008-zeek-mixed_data_conn.log.labeled') && x.counts!.records === 5663));
  const c = cliJson<{ result: { total: number } }>(['--db', db, 'census', '--measure', 'cumulative']);
  assert.ok(c.result.total > 0, 'the sinkhole and infection rows are victims');
  const victims = cliJson<{ ip: string }[]>(['--db', db, 'victims', '--limit', '5']);
  const l = cli(['--db', db, 'lookup', victims[0]!.ip]);
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, /confirmed/);
});
