// The ClickHouse store below the stages, against real servers: the declared schema on one node
// and on a two-shard cluster, migration from an earlier schema, retention by day partitions, a
// writer process killed inside its import, and two writer processes at once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseIp } from '../../core/ip.js';
import { sql } from '../sql.js';
import { table, TABLES } from '../schema.js';
import { EVENTS_TABLE } from '../conformance/driver-tables.js';
import { clickHouseCluster, clickHouseNode } from '../../../test/clickhouse.js';
import type { ClickHouseDriver } from './driver.js';
import { openClickHouseDriver } from './open.js';
import { Node } from './connection.js';
import { parseStoreUrl } from './url.js';
import { dropDaysBefore } from './retention.js';

const node = await clickHouseNode();
const cluster = await clickHouseCluster();
after(async () => {
  await node.endpoint?.stop();
  await cluster.endpoint?.stop();
});

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const ip = (s: string): bigint => parseIp(s)!;
const count = async (d: ClickHouseDriver, from: string, where = sql`1`): Promise<number> =>
  Number((await d.one<{ n: bigint }>(sql`SELECT count() AS n FROM ${sql.ident(from)} WHERE ${where}`))!.n);

/** Rows of each shard's own table (in a cluster, the local table under the Distributed one). */
async function perShard(d: ClickHouseDriver, name: string): Promise<number[]> {
  const local = d.layout.cluster ? `${name}__local` : name;
  return Promise.all(d.layout.shards.map(async (s) => Number((await s.one<{ n: bigint }>(`SELECT count() AS n FROM \`${local}\``))!.n)));
}

const flowsFor = (n: number, day: number) =>
  [...Array(n)].map((_, i) => ({
    import_id: 1,
    line: i + 1,
    ts: T0 + day * DAY + i * 1000,
    src: ip(`::ffff:198.51.${100 + (i % 3)}.${i % 250}`) + BigInt(i) * 2n ** 40n,
    dst: ip('::ffff:203.0.113.10'),
    dport: 443,
    bytes: 100n,
  }));

test('the declared schema on one node: every table, day partitions, derived keys filled by the server', { skip: node.skip ?? false }, async () => {
  const d = await openClickHouseDriver(node.endpoint!.freshUrl());
  try {
    const tables = await d.all<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = currentDatabase()`);
    for (const t of TABLES) assert.ok(tables.some((x) => x.name === t.name), t.name);
    await d.load(table('flows'), [...flowsFor(10, 0), ...flowsFor(5, 1)]);
    const rows = await d.all<{ src: bigint; src_key: number }>(sql`SELECT src, src_key FROM flows`);
    assert.equal(rows.length, 15);
    for (const r of rows) assert.equal(r.src_key, Number(r.src & 0xffffffffn));
    const parts = await d.all<{ partition: string }>(sql`SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'flows' AND active ORDER BY partition`);
    assert.deepEqual(parts.map((p) => p.partition.replace(/'/g, '')), ['2026-03-01', '2026-03-02']);
  } finally {
    await d.close();
  }
});

test('migration converges from an earlier schema: missing tables and columns added, rows kept', { skip: node.skip ?? false }, async () => {
  const url = node.endpoint!.freshUrl();
  const u = parseStoreUrl(url);
  const boot = new Node(u.http, u.username, u.password, 'default');
  await boot.run(`CREATE DATABASE ${u.database}`);
  // An earlier flows table: no ports, no byte counts, no derived keys, no batch column.
  await boot.run(`CREATE TABLE ${u.database}.flows (import_id Int32, line Int32, ts Decimal64(3), src FixedString(16), dst FixedString(16)) ENGINE = MergeTree() ORDER BY (src, ts)`);
  await boot.run(`INSERT INTO ${u.database}.flows VALUES (1, 1, toDecimal64('1772323200.5', 3), toFixedString(unhex('00000000000000000000ffffc6336405'), 16), toFixedString(unhex('00000000000000000000ffffcb00710a'), 16))`);
  // An earlier victim fold, a plain MergeTree (rows were not replaced by key), with a row in it.
  await boot.run(`CREATE TABLE ${u.database}.victim_fold (victim FixedString(16), grade UInt8) ENGINE = MergeTree() ORDER BY victim`);
  await boot.run(`INSERT INTO ${u.database}.victim_fold VALUES (toFixedString(unhex('00000000000000000000ffffc6336405'), 16), 1)`);
  await boot.close();
  const d = await openClickHouseDriver(url);
  try {
    const cols = await d.all<{ name: string }>(sql`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'flows'`);
    for (const c of table('flows').columns) assert.ok(cols.some((x) => x.name === c.name), c.name);
    const [old] = await d.all<Record<string, unknown>>(sql`SELECT * FROM flows f WHERE ${d.dialect.visibleRows(sql.ident('f'))}`);
    assert.equal(old!.src, ip('198.51.100.5'));
    assert.equal(old!.src_key, Number(ip('198.51.100.5') & 0xffffffffn), 'derived key of a row stored before the column');
    assert.equal(old!.dport, null);
    assert.equal((old!.ts as Date).getTime(), 1_772_323_200_500);
    assert.equal(await count(d, 'sightings'), 0, 'a missing table is created');
    const sorted = await d.one<{ k: string }>(sql`SELECT sorting_key AS k FROM system.tables WHERE database = currentDatabase() AND name = 'flows'`);
    assert.equal(sorted!.k, 'src, toInt64(ts * 1000)', 'sorted again by the time as an integer, its row kept');
    const fold = await d.one<{ engine: string }>(sql`SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'victim_fold'`);
    assert.equal(fold!.engine, 'ReplacingMergeTree', 'a folded table made otherwise is made anew');
    assert.equal(await count(d, 'victim_fold'), 0, 'empty, to be folded again');
  } finally {
    await d.close();
  }
  const again = await openClickHouseDriver(url);
  assert.equal(await count(again, 'flows'), 1, 'opening again changes nothing');
  await again.load(table('victim_fold'), [{ victim: ip('198.51.100.5'), grade: 1, first_seen: T0, last_seen: T0, first_end: T0, last_start: T0, events: 1 }]);
  await again.close();
  const third = await openClickHouseDriver(url);
  assert.equal(await count(third, 'victim_fold'), 1, 'a folded table made as declared is kept');
  await third.close();
});

test('a table sorted again is whole after a stop between the copy and its renames', { skip: node.skip ?? false }, async () => {
  const url = node.endpoint!.freshUrl();
  const u = parseStoreUrl(url);
  const first = await openClickHouseDriver(url);
  await first.load(table('flows'), flowsFor(3, 0));
  await first.close();
  // Stopped after the old table was moved aside, before the sorted copy took its name.
  const boot = new Node(u.http, u.username, u.password, u.database);
  await boot.run(`RENAME TABLE ${u.database}.flows TO ${u.database}.flows__resorted`);
  await boot.run(`CREATE TABLE ${u.database}.flows__unsorted (ts Decimal64(3), src FixedString(16)) ENGINE = MergeTree() ORDER BY (src, ts)`);
  await boot.close();
  const d = await openClickHouseDriver(url);
  try {
    assert.equal(await count(d, 'flows'), 3, 'the copy takes the name');
    const names = await d.all<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = currentDatabase()`);
    const left = names.filter((n) => n.name.startsWith('flows__')).map((n) => n.name);
    assert.deepEqual(left, [], 'nothing is left aside');
  } finally {
    await d.close();
  }
});

test('cluster: local tables on both shards, Distributed over them, rows spread by address', { skip: cluster.skip ?? false }, async () => {
  const d = await openClickHouseDriver(cluster.endpoint!.freshUrl());
  try {
    assert.equal(d.layout.shards.length, 2);
    for (const s of d.layout.shards) {
      const engines = await s.all<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name IN ('flows', 'flows__local')`);
      assert.deepEqual(engines.map((e) => `${e.name}:${e.engine}`).sort(), ['flows:Distributed', 'flows__local:MergeTree']);
    }
    await d.load(table('flows'), flowsFor(1000, 0));
    const shards = await perShard(d, 'flows');
    assert.ok(shards.every((n) => n > 100), `both shards hold rows: ${shards}`);
    assert.equal(shards[0]! + shards[1]!, 1000);
    assert.equal(await count(d, 'flows'), 1000);
    // One victim's rows sit on one shard (sharded by address).
    const victim = flowsFor(1, 0)[0]!.src;
    await d.load(table('sightings'), [0, 1, 2].map((h) => ({ victim, kind: 'flow', import_id: 1, hour: T0 + h * 3_600_000, first_seen: T0, last_seen: T0, events: 1 })));
    const sightings = await perShard(d, 'sightings');
    assert.deepEqual([...sightings].sort(), [0, 3]);
  } finally {
    await d.close();
  }
});

for (const [name, ch] of [['node', node], ['cluster', cluster]] as const) {
  test(`retention on the ${name}: days before the cutoff dropped on every shard, the rest kept`, { skip: ch.skip ?? false }, async () => {
    const d = await openClickHouseDriver(ch.endpoint!.freshUrl());
    try {
      await d.load(table('flows'), [...flowsFor(200, 0), ...flowsFor(200, 1), ...flowsFor(200, 2)]);
      const dropped = await dropDaysBefore(d.layout, table('flows'), T0 + 2 * DAY + 5000);
      assert.deepEqual(dropped, ['2026-03-01', '2026-03-02']);
      assert.equal(await count(d, 'flows'), 200);
      const min = await d.one<{ t: Date }>(sql`SELECT min(ts) AS t FROM flows`);
      assert.equal(min!.t.getTime(), T0 + 2 * DAY);
    } finally {
      await d.close();
    }
  });
}

const WRITER = resolve('dist/test/clickhouse-writer.js');

function writer(url: string, tag: string, rows: number, hang = false, claim?: string) {
  const p = spawn(process.execPath, [WRITER, url, tag, String(rows), ...(hang ? ['hang'] : []), ...(claim ? [`claim:${claim}`] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const lines = createInterface({ input: p.stdout });
  const line = new Promise<string>((ok, fail) => {
    lines.once('line', ok);
    p.once('exit', (code) => fail(new Error(`writer exited ${code}: ${err}`)));
  });
  const exit = new Promise<number | null>((ok) => p.once('exit', (code) => ok(code)));
  return { p, line, exit, err: () => err };
}

for (const [name, ch] of [['node', node], ['cluster', cluster]] as const) {
  test(`a writer killed inside its import on the ${name}: its rows never show, and are gone at the next open`, { skip: ch.skip ?? false }, async () => {
    const url = ch.endpoint!.freshUrl();
    const first = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
    await first.atomically(() => first.load(EVENTS_TABLE, [{ import_id: 1, ts: 0, victim: 1n, detail: 'kept' }]));
    const w = writer(url, 'killed', 2000, true);
    try {
      assert.equal(await w.line, 'loaded');
      const visible = sql`SELECT count() AS n FROM conf_events e WHERE ${first.dialect.visibleRows(sql.ident('e'))}`;
      assert.equal(Number((await first.one<{ n: bigint }>(visible))!.n), 1, 'an import in progress is not seen');
      w.p.kill('SIGKILL');
      await w.exit;
      assert.equal(await count(first, 'conf_events'), 2001, 'its rows are stored');
      assert.equal(Number((await first.one<{ n: bigint }>(visible))!.n), 1, 'and still not seen');
    } finally {
      w.p.kill('SIGKILL');
    }
    await first.close();
    const next = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
    try {
      assert.equal(await count(next, 'conf_events'), 1, 'the crashed import is removed when the store is next opened');
      const states = await next.all<{ state: string }>(sql`SELECT state FROM _batches ORDER BY at, state`);
      assert.deepEqual(states.map((s) => s.state).sort(), ['done', 'failed', 'open', 'open']);
    } finally {
      await next.close();
    }
  });

  test(`two writer processes at once on the ${name} lose and double nothing`, { skip: ch.skip ?? false }, async () => {
    const url = ch.endpoint!.freshUrl();
    const d = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
    try {
      const ws = [writer(url, 'a', 5000), writer(url, 'b', 5000)];
      after(() => ws.forEach((w) => w.p.kill('SIGKILL')));
      const done = await Promise.all(ws.map((w) => w.line));
      for (const w of ws) assert.equal(await w.exit, 0, w.err());
      const ids = done.map((l) => Number(/^done (\d+)$/.exec(l)![1]));
      assert.notEqual(ids[0], ids[1]);
      const per = await d.all<{ import_id: number; detail: string; n: bigint; v: bigint }>(
        sql`SELECT import_id, detail, count() AS n, uniqExact(victim) AS v FROM conf_events e WHERE ${d.dialect.visibleRows(sql.ident('e'))} GROUP BY import_id, detail ORDER BY detail`,
      );
      assert.deepEqual(per.map((r) => [r.import_id, r.detail, Number(r.n), Number(r.v)]), [[ids[0], 'a', 5000, 5000], [ids[1], 'b', 5000, 5000]]);
    } finally {
      await d.close();
    }
  });
}

for (const [name, ch] of [['node', node], ['cluster', cluster]] as const) {
  test(`two writer processes claiming the same key at once on the ${name}: one writes, the other leaves with nothing written`, { skip: ch.skip ?? false }, async () => {
    const url = ch.endpoint!.freshUrl();
    const d = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
    try {
      const ws = [writer(url, 'a', 3000, false, 'file-1'), writer(url, 'b', 3000, false, 'file-1')];
      after(() => ws.forEach((w) => w.p.kill('SIGKILL')));
      const said = (await Promise.all(ws.map((w) => w.line))).map((l) => l.replace(/\d+/, 'N')).sort();
      for (const w of ws) assert.equal(await w.exit, 0, w.err());
      assert.deepEqual(said, ['done N', 'lost']);
      const per = await d.all<{ detail: string; n: bigint }>(
        sql`SELECT detail, count() AS n FROM conf_events e WHERE ${d.dialect.visibleRows(sql.ident('e'))} GROUP BY detail`,
      );
      assert.equal(per.length, 1);
      assert.equal(Number(per[0]!.n), 3000);
      assert.equal(await count(d, 'conf_events'), 3000, 'the loser stored nothing');
    } finally {
      await d.close();
    }
  });
}

test('a claimant whose earlier claimant is killed inside its batch takes the key over', { skip: node.skip ?? false }, async () => {
  const url = node.endpoint!.freshUrl();
  const d = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
  const first = writer(url, 'killed', 500, true, 'file-2');
  try {
    assert.equal(await first.line, 'loaded');
    const second = writer(url, 'next', 500, false, 'file-2');
    after(() => second.p.kill('SIGKILL'));
    // It waits while the first runs.
    const early = await Promise.race([second.line, new Promise((ok) => setTimeout(() => ok('waiting'), 1500))]);
    assert.equal(early, 'waiting');
    first.p.kill('SIGKILL');
    await first.exit;
    assert.match(await second.line, /^done \d+$/);
    assert.equal(await second.exit, 0, second.err());
    const per = await d.all<{ detail: string; n: bigint }>(sql`SELECT detail, count() AS n FROM conf_events GROUP BY detail`);
    assert.deepEqual(per.map((r) => [r.detail, Number(r.n)]), [['next', 500]], 'the killed batch is failed and its rows removed');
  } finally {
    first.p.kill('SIGKILL');
    await d.close();
  }
});

test('a batch belongs to its own calls: the same driver outside it sees none of its rows until it is done', { skip: node.skip ?? false }, async () => {
  const d = await openClickHouseDriver(node.endpoint!.freshUrl(), { tables: [EVENTS_TABLE] });
  try {
    const visible = async () => Number((await d.one<{ n: bigint }>(sql`SELECT count() AS n FROM conf_events e WHERE ${d.dialect.visibleRows(sql.ident('e'))}`))!.n);
    let loaded!: () => void;
    let release!: () => void;
    const isLoaded = new Promise<void>((ok) => (loaded = ok));
    const released = new Promise<void>((ok) => (release = ok));
    const importing = d.atomically(async () => {
      await d.load(EVENTS_TABLE, [{ import_id: 1, ts: 0, victim: 1n }, { import_id: 1, ts: 1, victim: 2n }]);
      assert.equal(await visible(), 2, 'inside: its own rows');
      loaded();
      await released;
    });
    await isLoaded;
    assert.equal(await visible(), 0, 'outside, meanwhile: none');
    await d.load(EVENTS_TABLE, [{ import_id: 2, ts: 2, victim: 3n }]);
    release();
    await importing;
    assert.equal(await visible(), 3);
    const batches = await d.all<{ b: bigint }>(sql`SELECT DISTINCT _batch AS b FROM conf_events ORDER BY b`);
    assert.equal(batches.length, 2, 'the load outside the batch is not in it');
  } finally {
    await d.close();
  }
});

test("another host's open import counts as crashed only once it has not said it is alive for the lease", { skip: node.skip ?? false }, async () => {
  const url = node.endpoint!.freshUrl();
  const d = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
  const at = (ms: number) => `toDecimal64('${(ms / 1000).toFixed(3)}', 3)`;
  const now = Date.now();
  // Two imports another host has open: one silent for an hour, one that said it is alive a minute ago.
  await d.layout.entry.run(`INSERT INTO _batches (batch, state, host, pid, at) VALUES (900, 'open', 'other.example', 1, ${at(now - 3_600_000)}), (901, 'open', 'other.example', 1, ${at(now - 3_600_000)}), (901, 'alive', 'other.example', 1, ${at(now - 60_000)})`);
  await d.layout.entry.run(`INSERT INTO conf_events (import_id, ts, victim, _batch) VALUES (5, 0, ${`toFixedString(unhex('${'0'.repeat(31)}1'), 16)`}, 900), (6, 0, ${`toFixedString(unhex('${'0'.repeat(31)}2'), 16)`}, 901)`);
  await d.close();
  const next = await openClickHouseDriver(url, { tables: [EVENTS_TABLE] });
  try {
    const left = await next.all<{ b: bigint }>(sql`SELECT _batch AS b FROM conf_events ORDER BY b`);
    assert.deepEqual(left.map((r) => Number(r.b)), [901], 'the silent one is removed, the live one kept');
    assert.equal(Number((await next.one<{ n: bigint }>(sql`SELECT count() AS n FROM conf_events e WHERE ${next.dialect.visibleRows(sql.ident('e'))}`))!.n), 0, 'and still hidden');
  } finally {
    await next.close();
  }
});
