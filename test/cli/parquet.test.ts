// Parquet both ways: flow files in (nfdump and GoFlow2 column names), victims and sightings out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');

async function sql(q: string) {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const rows = (await c.runAndReadAll(q)).getRowObjectsJS();
  c.closeSync();
  inst.closeSync();
  return rows;
}

test('flow Parquet files import, with nfdump or GoFlow2 column names, and match', async () => {
  const nf = join(dir, 'nfdump.parquet');
  const gf = join(dir, 'goflow2.parquet');
  await sql(`COPY (SELECT TIMESTAMP '2024-06-01 10:00:00' + INTERVAL (i) SECOND AS firstSeen, 1.5 AS duration, 'TCP' AS proto,
                   '192.0.2.' || i AS srcAddr, 40000 + i AS srcPort, '203.0.113.10' AS dstAddr, 443 AS dstPort, 10 AS packets, 1000 AS bytes
              FROM range(1, 4) t(i)) TO '${nf}' (FORMAT parquet)`);
  await sql(`COPY (SELECT 1717236000000000000::UBIGINT AS time_flow_start_ns, '198.51.100.7' AS src_addr, '203.0.113.10' AS dst_addr,
                   51000 AS src_port, 443 AS dst_port, 6 AS proto, 500 AS bytes, 4 AS packets) TO '${gf}' (FORMAT parquet)`);
  writeIocs();
  const r = cli(['--db', db, 'ingest', nf, gf]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /nfdump\.parquet: parquet, 3 records/);
  assert.match(r.stdout, /goflow2\.parquet: parquet, 1 records/);
  const v = cliJson<{ ip: string; firstSeen: string }[]>(['--db', db, 'victims']);
  assert.deepEqual(v.map((x) => x.ip).sort(), ['192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.7']);
  assert.equal(v.find((x) => x.ip === '198.51.100.7')!.firstSeen, '2024-06-01T10:00:00.000Z');
  assert.match(cli(['--db', db, 'lookup', '192.0.2.2']).stdout, /nfdump\.parquet:2/);
  assert.match(cli(['--db', db, 'ingest', nf]).stdout, /already imported/);
});

test('a bad value in a Parquet file fails the file, naming the row and the column', async () => {
  const bad = join(dir, 'bad.parquet');
  await sql(`COPY (SELECT * FROM (VALUES (TIMESTAMP '2024-06-01 10:00:00', '192.0.2.9', '203.0.113.10'), (TIMESTAMP '2024-06-01 10:00:01', '192.0.2.999', '203.0.113.10'))
              t(ts, src, dst)) TO '${bad}' (FORMAT parquet)`);
  const r = cli(['--db', db, 'ingest', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.parquet:2: field 'src': not an IP address: "192\.0\.2\.999"/);
  assert.equal(cliJson<unknown[]>(['--db', db, 'imports']).filter((i) => JSON.stringify(i).includes('bad.parquet')).length, 0);
});

test('export writes victims and sightings as Parquet, CSV and JSON with DuckDB', async () => {
  const pq = join(dir, 'victims.parquet');
  assert.equal(cli(['--db', db, 'export', '--out', pq]).status, 0);
  const rows = await sql(`SELECT ip, grade, country FROM read_parquet('${pq}') ORDER BY ip`);
  assert.deepEqual(rows.map((r) => r.ip), ['192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.7']);
  const csv = join(dir, 'sightings.csv');
  assert.equal(cli(['--db', db, 'export', '--what', 'sightings', '--out', csv]).status, 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.match(lines[0]!, /^ip,indicator,indicator_source,kind,/);
  assert.equal(lines.length, 1 + 4);
  const json = join(dir, 'victims.json');
  assert.equal(cli(['--db', db, 'export', '--out', json, '--since', '2024-06-01T10:00:03Z']).status, 0);
  const j = readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ip: string });
  // Flows last 1.5 s: the one that starts at :02 is still going at :03.
  assert.deepEqual(j.map((x) => x.ip).sort(), ['192.0.2.2', '192.0.2.3']);
});

function writeIocs() {
  const p = join(dir, 'iocs.txt');
  writeFileSync(p, '203.0.113.10\n');
  assert.equal(cli(['--db', db, 'intel', 'import', p]).status, 0);
}

test('ingest --prefilter on a Parquet file keeps only the rows near an indicator', async () => {
  const f = join(dir, 'mixed.parquet');
  // Three rows to the indicator, four between addresses far from it (one of them IPv6):
  // 192.0.2.4 to 100.64.0.4, 192.0.2.5 to 100.65.0.5 and 192.0.2.7 to 100.67.0.7.
  await sql(`COPY (SELECT TIMESTAMP '2024-06-01 10:00:00' + INTERVAL (i) SECOND AS firstSeen, 1.5 AS duration, 'TCP' AS proto,
                   CASE WHEN i = 6 THEN '2001:db8::' || i ELSE '192.0.2.' || i END AS srcAddr, 40000 + i AS srcPort,
                   CASE WHEN i <= 3 THEN '203.0.113.10' WHEN i = 6 THEN '2001:db8::ffff' ELSE '100.6' || i || '.0.' || i END AS dstAddr,
                   443 AS dstPort, 10 AS packets, 1000 AS bytes
              FROM range(1, 8) t(i)) TO '${f}' (FORMAT parquet)`);
  const own = join(tempDir(), 'prefilter.duckdb');
  writeIocs();
  assert.equal(cli(['--db', own, 'intel', 'import', join(dir, 'iocs.txt')]).status, 0);
  const r = cli(['--db', own, 'ingest', '--prefilter', f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mixed\.parquet: parquet, 7 records from 7 lines, 0 rejected, 4 far from every indicator and not stored, 3 new sightings/);
  const imports = cliJson<{ kind: string; prefiltered?: number }[]>(['--db', own, 'imports']);
  assert.equal(imports.find((i) => i.kind === 'telemetry')!.prefiltered, 4);
  assert.deepEqual(cliJson<{ ip: string }[]>(['--db', own, 'victims']).map((x) => x.ip).sort(), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  // Indicators imported later have DuckDB read the file again for the rows near them: the row to
  // 100.64.0.4 joins the import under its row number, and matches.
  writeFileSync(join(dir, 'later.txt'), '100.64.0.4\n');
  const later = cli(['--db', own, 'intel', 'import', join(dir, 'later.txt')]);
  assert.equal(later.status, 0, later.stderr);
  assert.match(later.stdout, /1 indicators, 0 rejected, 1 new sightings/);
  assert.match(later.stdout, /1 prefiltered flow file\(s\) read again: 1 flows near the new indicators stored/);
  assert.equal(cliJson<{ kind: string; prefiltered?: number }[]>(['--db', own, 'imports']).find((i) => i.kind === 'telemetry')!.prefiltered, 3);
  assert.match(cli(['--db', own, 'lookup', '192.0.2.4']).stdout, /mixed\.parquet:4/);
  // Intel imported with --no-rescan leaves the file behind; `imports rescan` catches it up.
  writeFileSync(join(dir, 'later2.txt'), '100.65.0.5\n2001:db8::ffff\n');
  assert.match(cli(['--db', own, 'intel', 'import', '--no-rescan', join(dir, 'later2.txt')]).stdout, /0 new sightings/);
  const caught = cliJson<{ files: number; flows: number; covered: number[] }>(['--db', own, 'imports', 'rescan', '--json']);
  assert.deepEqual([caught.files, caught.flows, caught.covered], [1, 2, [2]]);
  // The same as a store of every row: the same victims, each row stored once.
  const whole = join(tempDir(), 'whole.duckdb');
  for (const iocs of ['iocs.txt', 'later.txt', 'later2.txt']) assert.equal(cli(['--db', whole, 'intel', 'import', join(dir, iocs)]).status, 0);
  assert.equal(cli(['--db', whole, 'ingest', f]).status, 0);
  const victims = (store: string) => cliJson<{ ip: string; grade: string }[]>(['--db', store, 'victims']).map((x) => `${x.ip} ${x.grade}`).sort();
  assert.deepEqual(victims(own), victims(whole));
  assert.deepEqual(victims(own).map((v) => v.split(' ')[0]), ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '2001:db8::6']);
  assert.equal(cliJson<{ kind: string; prefiltered?: number }[]>(['--db', own, 'imports']).find((i) => i.kind === 'telemetry')!.prefiltered, 1);
  // A Parquet file that changed is not read again, and intel import says why.
  writeFileSync(f, 'PAR1 not the same file');
  writeFileSync(join(dir, 'later3.txt'), '100.67.0.9\n'); // the /24 of the one row left out
  const changed = cli(['--db', own, 'intel', 'import', join(dir, 'later3.txt')]);
  assert.match(changed.stdout, /1 prefiltered import\(s\) not read again: .*\n {4}#2 .*mixed\.parquet: .*mixed\.parquet changed since it was imported/);
});
