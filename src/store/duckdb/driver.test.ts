// The DuckDB driver and dialect against a real DuckDB: hostile values round-trip as data, the
// dialect's expressions compute what dialect.ts says, atomically is all or nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../core/ip.js';
import { sql } from '../sql.js';
import { c, type Table } from '../schema.js';
import { Db } from './connection.js';
import { DuckDbDriver } from './driver.js';

async function driver(): Promise<DuckDbDriver> {
  return new DuckDbDriver(await Db.open(':memory:', 1));
}

const HOSTILE = [`'; DROP TABLE t; --`, `" OR 1=1 --`, `$1`, `?`, `\\'`, `a'b"c`, `\u0000x`, `é☃`, `''`];

test('hostile strings are stored and matched as data', async () => {
  const d = await driver();
  await d.run(sql`CREATE TABLE t (s VARCHAR)`);
  for (const h of HOSTILE) await d.run(sql`INSERT INTO t VALUES (${h})`);
  const rows = await d.all<{ s: string }>(sql`SELECT s FROM t ORDER BY s`);
  assert.deepEqual(rows.map((r) => r.s), [...HOSTILE].sort());
  for (const h of HOSTILE) assert.equal((await d.one<{ n: bigint }>(sql`SELECT count(*) AS n FROM t WHERE s = ${h}`))!.n, 1n);
  await d.close();
});

test('addresses, times, lists and counts bind in their neutral types', async () => {
  const d = await driver();
  const ip = parseIp('2001:db8::1')!;
  const r = await d.one<Record<string, unknown>>(
    sql`SELECT ${sql.address(ip)} AS a, ${sql.time(Date.UTC(2026, 0, 2, 3))} AS t, ${['x', "y'"]} AS l, ${sql.typed(2 ** 40, 'count')} AS n`,
  );
  assert.equal(r!.a, ip);
  assert.equal((r!.t as Date).toISOString(), '2026-01-02T03:00:00.000Z');
  assert.deepEqual(r!.l, ['x', "y'"]);
  assert.equal(r!.n, 2n ** 40n);
  await d.close();
});

test('dialect: address keys, network starts and prefix keys', async () => {
  const d = await driver();
  const ip = parseIp('198.51.100.77')!;
  const q = d.dialect;
  const r = await d.one<Record<string, bigint | number>>(
    sql`SELECT ${q.netKey(sql.address(ip), sql`120`)} AS k, ${q.networkStart(sql.address(ip), sql`120`)} AS s, ${q.addrKey(sql.address(ip))} AS a`,
  );
  assert.equal(r!.k, ip >> 8n);
  assert.equal(r!.s, parseIp('198.51.100.0'));
  assert.equal(Number(r!.a), Number(ip & 0xffffffffn));
  await d.close();
});

test('dialect: domain suffixes, unnest, arg-max/min, list aggregation', async () => {
  const d = await driver();
  const q = d.dialect;
  const s = await d.one<{ s: string[] }>(sql`SELECT ${q.domainSuffixes(sql`${'a.b.example'}`)} AS s`);
  assert.deepEqual(s!.s, ['a.b.example', 'b.example', 'example']);
  const u = await d.all<{ x: string }>(sql`SELECT ${q.unnest(sql`${['p', 'q', 'r']}`)} AS x`);
  assert.deepEqual(u.map((r) => r.x), ['p', 'q', 'r']);
  const g = await d.one<Record<string, unknown>>(
    sql`SELECT ${q.argMax(sql`k`, sql`v`)} AS hi, ${q.argMin(sql`k`, sql`v`)} AS lo, ${q.listAgg(sql`k ORDER BY k`)} AS l
        FROM (VALUES ('a', 2), ('b', 9), ('c', 1)) t(k, v)`,
  );
  assert.deepEqual(g, { hi: 'b', lo: 'c', l: ['a', 'b', 'c'] });
  await d.close();
});

test('dialect: time buckets and epoch milliseconds (UTC)', async () => {
  const d = await driver();
  const q = d.dialect;
  const ms = Date.UTC(2026, 4, 6, 23, 59, 58, 123);
  const r = await d.one<Record<string, unknown>>(
    sql`SELECT ${q.timeBucket('hour', q.fromEpochMs(sql`${ms}`))} AS h, ${q.timeBucket('day', sql.time(ms))} AS d, ${q.epochMs(sql.time(ms))} AS e`,
  );
  assert.equal((r!.h as Date).toISOString(), '2026-05-06T23:00:00.000Z');
  assert.equal((r!.d as Date).toISOString(), '2026-05-06T00:00:00.000Z');
  assert.equal(Number(r!.e), ms);
  await d.close();
});

test('dialect: replace-or-insert keeps one row per key', async () => {
  const d = await driver();
  await d.run(sql`CREATE TABLE m (k VARCHAR PRIMARY KEY, v VARCHAR)`);
  await d.run(d.dialect.replaceInto('m', ['k', 'v'], sql`VALUES (${'a'}, ${'1'}), (${'b'}, ${'1'})`));
  await d.run(d.dialect.replaceInto('m', ['k', 'v'], sql`VALUES (${'a'}, ${'2'})`));
  assert.deepEqual(await d.all(sql`SELECT k, v FROM m ORDER BY k`), [
    { k: 'a', v: '2' },
    { k: 'b', v: '1' },
  ]);
  await d.close();
});

const T: Table = { name: 'loaded', columns: [c('ip', 'address', true), c('ts', 'time'), c('tags', 'text[]'), c('n', 'int64')] };

test('bulk load, atomically: all rows or none', async () => {
  const d = await driver();
  await d.run(sql`CREATE TABLE loaded (ip UHUGEINT NOT NULL, ts TIMESTAMP, tags VARCHAR[], n BIGINT)`);
  const n = await d.atomically(() => d.load(T, [{ ip: 1n, ts: 0, tags: ['a'], n: 3 }, { ip: 2n }]));
  assert.equal(n, 2);
  await assert.rejects(
    d.atomically(async () => {
      await d.load(T, [{ ip: 3n }]);
      throw new Error('import failed half way');
    }),
    /half way/,
  );
  const rows = await d.all<{ ip: bigint; ts: Date | null; tags: string[] | null }>(sql`SELECT ip, ts, tags FROM loaded ORDER BY ip`);
  assert.deepEqual(rows.map((r) => r.ip), [1n, 2n]);
  assert.equal(rows[0]!.ts!.getTime(), 0);
  assert.deepEqual(rows[0]!.tags, ['a']);
  await d.close();
});

test('work tables exist for their work only', async () => {
  const d = await driver();
  const seen = await d.withWorkTable(T, 'work_x', async (w) => {
    await d.load({ ...T, name: w.name }, [{ ip: 7n }]);
    return (await d.one<{ n: bigint }>(sql`SELECT count(*) AS n FROM ${w.ref}`))!.n;
  });
  assert.equal(seen, 1n);
  await assert.rejects(d.run(sql`SELECT * FROM work_x`), /work_x/);
  assert.ok(d.can('read-parquet') && d.can('transactions'));
  await d.close();
});
