// Choosing the store on the command line: --store with a ClickHouse URL or a DuckDB path,
// $BOTCENSUS_STORE, --db as before; bad locations, unreachable servers and missing databases in
// one plain line with their exit codes; commands whose queries run on ClickHouse work there (intel
// import and ingest with DuckDB's answers), the others refuse with one line and exit code 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEV_FIXTURE } from '../fixtures/identify/kev-fixture.js';
import { testEngines } from '../engines.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const engines = await testEngines();
const ch = engines.find((e) => e.name === 'ClickHouse')!;
const dir = tempDir();
const kev = join(dir, 'known_exploited_vulnerabilities.json');
writeFileSync(kev, JSON.stringify({ catalogVersion: '2099.01.02', vulnerabilities: KEV_FIXTURE }));

/** One line on stderr, no stack trace. */
function oneLine(r: { stderr: string }, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('a malformed store location is a usage error in one line, without the password', () => {
  for (const [location, said] of [
    ['clickhouse://u:s3cret@h:99999/x', /not a ClickHouse store URL: clickhouse:\/\/u:\*\*\*@h:99999\/x/],
    ['clickhouse://u:s3cret@127.0.0.1:8123/bad-name', /database name must be letters, digits and _, not "bad-name"/],
    ['clickhouse://127.0.0.1:8123/db?clustr=main', /takes cluster= and shard_http=, not clustr=/],
    ['postgres://u:s3cret@h/db', /unknown store engine in postgres:\/\/u:\*\*\*@h\/db/],
    ['duckdb:', /duckdb: names no file/],
  ] as const) {
    const r = cli(['--store', location, 'imports']);
    assert.equal(r.status, 2, location);
    oneLine(r, said);
    assert.doesNotMatch(r.stderr, /s3cret/);
  }
  const both = cli(['--store', join(dir, 'a.duckdb'), '--db', join(dir, 'b.duckdb'), 'imports']);
  assert.equal(both.status, 2);
  oneLine(both, /--store and --db both name the store/);
  const env = cli(['imports'], { BOTCENSUS_STORE: 'mysql://h/db' });
  assert.equal(env.status, 2);
  oneLine(env, /unknown store engine/);
});

test('a DuckDB store named by --store, duckdb: or $BOTCENSUS_STORE is the file --db names', () => {
  const db = join(dir, 'chosen.duckdb');
  const missing = cli(['--store', `duckdb:${db}`, 'imports']);
  assert.equal(missing.status, 3);
  oneLine(missing, /no store at .*chosen\.duckdb/);
  assert.equal(cli(['--store', `duckdb:${db}`, 'kev', 'import', kev]).status, 0);
  const byDb = cliJson<{ kind: string }[]>(['--db', db, 'imports']);
  const byEnv = JSON.parse(cli(['imports', '--json'], { BOTCENSUS_STORE: db }).stdout) as unknown;
  assert.deepEqual(byDb.map((i) => i.kind), ['kev']);
  assert.deepEqual(byEnv, byDb);
});

test('ClickHouse: an unreachable server and a missing database, each in one line', { skip: ch.skip ?? false }, () => {
  const away = cli(['--store', 'clickhouse://u:s3cret@127.0.0.1:1/db', 'imports']);
  assert.equal(away.status, 1);
  oneLine(away, /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1/);
  assert.doesNotMatch(away.stderr, /s3cret/);
  const missing = cli(['--store', ch.location!(), 'census']);
  assert.equal(missing.status, 3);
  oneLine(missing, /no ClickHouse database at clickhouse:\/\/.*: check --store \(or \$BOTCENSUS_STORE\)/);
});

test('ClickHouse: KEV, tokens, imports, census, lookup, owners, exposure and export work on it', { skip: ch.skip ?? false }, () => {
  const url = ch.location!();
  const imported = cli(['--store', url, 'kev', 'import', kev]);
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(imported.stdout, /KEV catalog 2099\.01\.02, 8 entries, 0 rejected/);
  assert.match(imported.stderr, /created a new store at clickhouse:\/\//);
  assert.match(cli(['--store', url, 'kev', 'import', kev]).stdout, /already imported/);
  const created = cli(['tokens', 'create', '--role', 'analyst'], { BOTCENSUS_STORE: url });
  assert.equal(created.status, 0, created.stderr);
  const id = /^id (\S+)/.exec(created.stdout)![1]!;
  assert.equal(cli(['--store', url, 'tokens', 'revoke', id]).status, 0);
  assert.match(cli(['--store', url, 'tokens', 'list']).stdout, new RegExp(`${id} +analyst .*revoked`));
  const imports = cliJson<{ kind: string; records: number }[]>(['--store', url, 'imports']);
  assert.deepEqual(imports.map((i) => [i.kind, i.records]), [['kev', 8]]);
  const reads = [['census'], ['victims'], ['lookup', '192.0.2.1'], ['owners', 'list'], ['exposure'], ['export', '--out', join(dir, 'v.csv')], ['export', '--what', 'sightings', '--out', join(dir, 's.parquet')]];
  for (const args of reads) assert.equal(cli(['--store', url, ...args]).status, 0, args.join(' '));
  assert.equal(readFileSync(join(dir, 'v.csv'), 'utf8'), 'ip,country,asn,as_org,grade,families,indicators,kinds,first_seen,last_seen,events,device_id,warninglists,owner\r\n');
  assert.match(cli(['--store', url, 'lookup', '192.0.2.1']).stdout, /not a victim/);
});

test('intel import and ingest (the line reader) on ClickHouse: the same victims and census as on DuckDB, re-imports change nothing', { skip: ch.skip ?? false }, () => {
  const list = join(dir, 'c2.txt');
  writeFileSync(list, '203.0.113.10\n203.0.113.11\n');
  const header = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
  const rows = Array.from({ length: 40 }, (_, i) => `2024-06-01 ${String(10 + (i % 3)).padStart(2, '0')}:00:${String(i % 60).padStart(2, '0')}.000,1.0,TCP,198.51.100.${i % 25},${1024 + i},203.0.113.1${i % 3},443,1,100,1`);
  const flows = join(dir, 'flows.csv');
  writeFileSync(flows, [header, ...rows].join('\n') + '\n');
  const answers = (store: string[]) => {
    for (const file of [['intel', 'import', list], ['ingest', flows]]) {
      const r = cli([...store, ...file]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(cli([...store, ...file]).stdout, /already imported/);
    }
    return {
      imports: cliJson<{ kind: string; records: number }[]>([...store, 'imports']).map((i) => [i.kind, i.records]),
      victims: cliJson<{ ip: string; grade: string }[]>([...store, 'victims']).map((v) => [v.ip, v.grade]).sort(),
      census: cliJson<unknown>([...store, 'census', '--by', 'country', '--measure', 'window']),
    };
  };
  const onClickHouse = answers(['--store', ch.location!()]);
  const onDuckDb = answers(['--db', join(dir, 'same.duckdb')]);
  assert.equal(onClickHouse.victims.length, 22); // the sources of the flows to .10 and .11
  assert.deepEqual(onClickHouse, onDuckDb);
});
