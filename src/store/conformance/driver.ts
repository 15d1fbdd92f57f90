// The driver conformance suite: the thin contract (../driver.ts) held to one behaviour on every
// engine, through the contract only: the `sql` template with hostile values, bulk load of every
// neutral type, the dialect's expressions, atomically, work tables, kept tables, ids and two
// writers at once.
// A driver's test file opens its engine and calls runDriverConformance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../core/ip.js';
import type { Driver, WorkTable } from '../driver.js';
import { c, type Table } from '../schema.js';
import { EVENTS_TABLE, KEYED_TABLE, VALUES_TABLE } from './driver-tables.js';
import { sql } from '../sql.js';

export interface DriverTarget {
  /** The engine's name, in test names. */
  name: string;
  /** Why the suite cannot run here (it is then reported skipped), if it cannot. */
  skip?: string;
  /** A new, empty store with `tables` created; `again` opens a second driver on the same store. */
  open: (tables: Table[]) => Promise<{ driver: Driver; again: () => Promise<Driver> }>;
}

const TABLES = [VALUES_TABLE, KEYED_TABLE, EVENTS_TABLE];
/** A kept table's declaration (withKeptTable creates it). */
const KEPT_WORDS: Table = { name: 'conf_words', columns: [c('word', 'text', true)] };

export const HOSTILE = [
  `'; DROP TABLE conf_values; --`,
  `" OR 1=1 --`,
  `\\`,
  `\\'`,
  `a'b"c`,
  `x\u0000y`,
  `line\nbreak\r\n`,
  `tab\there`,
  `{p1:String}`,
  `$1 ? :x`,
  `é☃𝄞`,
  `''`,
  "`back`tick",
  `\\N`,
  ``,
];

const ip = (s: string): bigint => parseIp(s)!;
const n = (v: unknown): number => Number(v === true ? 1 : v === false ? 0 : v);

export function runDriverConformance(target: DriverTarget): void {
  const { name, skip } = target;
  const t = (title: string, fn: (d: Driver, again: () => Promise<Driver>) => Promise<void>) =>
    test(`${name} driver: ${title}`, { skip: skip ?? false }, async () => {
      const { driver, again } = await target.open(TABLES);
      try {
        await fn(driver, again);
      } finally {
        await driver.close();
      }
    });

  t('hostile strings are stored and matched as data', async (d) => {
    for (const [i, h] of HOSTILE.entries()) await d.run(sql`INSERT INTO conf_values (n, s) VALUES (${i}, ${h})`);
    const rows = await d.all<{ n: number; s: string }>(sql`SELECT n, s FROM conf_values ORDER BY n`);
    assert.deepEqual(rows.map((r) => r.s), HOSTILE);
    for (const h of HOSTILE) assert.equal(n((await d.one<{ k: unknown }>(sql`SELECT count(*) AS k FROM conf_values WHERE s = ${h}`))!.k), 1, JSON.stringify(h));
    const listed = await d.all<{ s: string }>(sql`SELECT s FROM conf_values WHERE s IN ${sql.list(HOSTILE.slice(0, 4))} ORDER BY n`);
    assert.deepEqual(listed.map((r) => r.s), HOSTILE.slice(0, 4));
  });

  t('numbers and bigints bind exactly', async (d) => {
    const r = await d.one<Record<string, unknown>>(
      sql`SELECT ${2 ** 53 - 1} AS big, ${-5} AS neg, ${9223372036854775807n} AS max64, ${0.25} AS f, ${-0.5} AS nf, 3 - ${-2} AS minus`,
    );
    assert.equal(BigInt(r!.big as number | bigint), 2n ** 53n - 1n);
    assert.equal(n(r!.neg), -5);
    assert.equal(BigInt(r!.max64 as bigint), 9223372036854775807n);
    assert.equal(n(r!.f), 0.25);
    assert.equal(n(r!.nf), -0.5);
    assert.equal(n(r!.minus), 5);
  });

  t('bulk load round-trips every neutral type', async (d) => {
    const ts = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const full = {
      n: 1, s: "quote ' tab \t nl \n nul \u0000 é", ip: ip('2001:db8::ff00:1'), ts, tags: ["x'y", 'z\\', ''], b: true,
      i64: -(2n ** 62n), u64: 2n ** 64n - 1n, u32: 4294967295, u16: 65535, u8: 255, f: -1.5e-7, j: { a: [1, 'b'] },
    };
    const empty = { n: 2 };
    const v4 = { n: 3, ip: ip('::ffff:192.0.2.1'), ts: 0, tags: [], b: false, i64: 0n, u64: 0n, u32: 0, u16: 0, u8: 0, f: 0, s: '' };
    assert.equal(await d.load(VALUES_TABLE, [full, empty, v4]), 3);
    const rows = await d.all<Record<string, unknown>>(sql`SELECT * FROM conf_values ORDER BY n`);
    assert.equal(rows.length, 3);
    const [a, b, c3] = rows;
    assert.equal(a!.s, full.s);
    assert.equal(a!.ip, full.ip);
    assert.equal((a!.ts as Date).getTime(), ts);
    assert.deepEqual(a!.tags, full.tags);
    assert.equal(n(a!.b), 1);
    assert.equal(BigInt(a!.i64 as bigint), full.i64);
    assert.equal(BigInt(a!.u64 as bigint), full.u64);
    assert.deepEqual([n(a!.u32), n(a!.u16), n(a!.u8), n(a!.f)], [4294967295, 65535, 255, -1.5e-7]);
    assert.deepEqual(JSON.parse(String(a!.j)), full.j);
    // A missing value reads back as NULL; a missing list as NULL or, where lists cannot be NULL, empty.
    for (const k of ['s', 'ip', 'ts', 'b', 'i64', 'u64', 'u32', 'u16', 'u8', 'f', 'j']) assert.equal(b![k], null, k);
    assert.ok(b!.tags === null || (Array.isArray(b!.tags) && b!.tags.length === 0));
    assert.equal(c3!.ip, ip('::ffff:192.0.2.1'));
    assert.equal((c3!.ts as Date).getTime(), 0);
    assert.equal(n(c3!.b), 0);
    assert.equal(c3!.s, '');
  });

  t('netKey and networkStart at prefix edges, v4 and v6; addrKey', async (d) => {
    const q = d.dialect;
    const addrs = [ip('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), ip('::ffff:198.51.100.255'), ip('::ffff:0.0.0.0'), 2n ** 128n - 1n];
    for (const a of addrs) {
      for (const p of [0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 97, 120, 127, 128]) {
        const start = p === 0 ? 0n : (a >> BigInt(128 - p)) << BigInt(128 - p);
        const flipped = p === 0 ? a : a ^ (1n << BigInt(128 - p));
        const r = await d.one<Record<string, unknown>>(
          sql`SELECT ${q.networkStart(sql.address(a), sql`${p}`)} AS s,
                     CASE WHEN ${q.netKey(sql.address(a), sql`${p}`)} = ${q.netKey(sql.address(start), sql`${p}`)} THEN 1 ELSE 0 END AS same,
                     CASE WHEN ${q.netKey(sql.address(a), sql`${p}`)} = ${q.netKey(sql.address(flipped), sql`${p}`)} THEN 1 ELSE 0 END AS other,
                     ${q.addrKey(sql.address(a))} AS k`,
        );
        assert.equal(r!.s, start, `networkStart(${a}, ${p})`);
        assert.equal(n(r!.same), 1, `netKey same network, /${p}`);
        assert.equal(n(r!.other), p === 0 ? 1 : 0, `netKey other network, /${p}`);
        assert.equal(n(r!.k), Number(a & 0xffffffffn));
      }
    }
  });

  t('address ranges and order follow the numbers', async (d) => {
    const list = ['::ffff:192.0.2.1', '::ffff:192.0.2.200', '::ffff:198.51.100.7', '2001:db8::1', '2001:db8:1::', '::1'].map(ip);
    await d.load(EVENTS_TABLE, list.map((victim, i) => ({ import_id: 1, ts: i * 1000, victim })));
    const inRange = await d.all<{ victim: bigint }>(
      sql`SELECT victim FROM conf_events WHERE victim >= ${sql.address(ip('::ffff:192.0.2.0'))} AND victim <= ${sql.address(ip('::ffff:192.0.2.255'))} ORDER BY victim`,
    );
    assert.deepEqual(inRange.map((r) => r.victim), [ip('::ffff:192.0.2.1'), ip('::ffff:192.0.2.200')]);
    const ordered = await d.all<{ victim: bigint }>(sql`SELECT victim FROM conf_events ORDER BY victim`);
    assert.deepEqual(ordered.map((r) => r.victim), [...list].sort((x, y) => (x < y ? -1 : 1)));
    assert.equal(n((await d.one<{ k: unknown }>(sql`SELECT count(*) AS k FROM conf_events WHERE victim = ${sql.address(ip('2001:db8::1'))}`))!.k), 1);
  });

  t('domain suffixes, unnest, arg-max/min, list aggregation', async (d) => {
    const q = d.dialect;
    const s = await d.one<{ s: string[] }>(sql`SELECT ${q.domainSuffixes(sql`${'a.b.example'}`)} AS s`);
    assert.deepEqual(s!.s, ['a.b.example', 'b.example', 'example']);
    const one = await d.one<{ s: string[] }>(sql`SELECT ${q.domainSuffixes(sql`${'example'}`)} AS s`);
    assert.deepEqual(one!.s, ['example']);
    // Plain text, not a pattern: % and _ are themselves.
    const has = (h: string, n: string) => d.one<{ c: unknown }>(sql`SELECT CASE WHEN ${q.contains(sql`${h}`, sql`${n}`)} THEN 1 ELSE 0 END AS c`);
    assert.deepEqual(
      [await has('c2.example', '2.ex'), await has('c2.example', 'C2'), await has('50%_off', '%_'), await has('50x off', '%'), await has("it's", "'")].map((r) => Number(r!.c)),
      [1, 0, 1, 0, 1],
    );
    const u = await d.all<{ x: string }>(sql`SELECT ${q.unnest(sql`${['p', "q'", 'r']}`)} AS x`);
    assert.deepEqual(u.map((r) => r.x).sort(), ['p', "q'", 'r']);
    await d.load(EVENTS_TABLE, [
      { import_id: 1, ts: 2000, victim: 1n, detail: 'a' },
      { import_id: 1, ts: 9000, victim: 1n, detail: 'b' },
      { import_id: 1, ts: 1000, victim: 1n, detail: 'c' },
    ]);
    const g = await d.one<{ hi: string; lo: string; l: string[] }>(
      sql`SELECT ${q.argMax(sql`detail`, sql`ts`)} AS hi, ${q.argMin(sql`detail`, sql`ts`)} AS lo, ${q.listAgg(sql`detail`)} AS l FROM conf_events`,
    );
    assert.deepEqual([g!.hi, g!.lo, [...g!.l].sort()], ['b', 'c', ['a', 'b', 'c']]);
    // Distinct values, NULLs left out, sorted; an all-NULL group gives an empty list.
    await d.load(EVENTS_TABLE, [
      { import_id: 2, ts: 1, victim: 2n, detail: 'b' },
      { import_id: 2, ts: 2, victim: 2n, detail: null },
      { import_id: 2, ts: 3, victim: 3n, detail: null },
    ]);
    const distinct = await d.all<{ v: bigint; l: string[] }>(
      sql`SELECT victim AS v, ${q.listAggDistinct(sql`detail`)} AS l FROM conf_events GROUP BY victim ORDER BY victim`,
    );
    assert.deepEqual(distinct.map((r) => [BigInt(r.v), [...r.l]]), [[1n, ['a', 'b', 'c']], [2n, ['b']], [3n, []]]);
    const joinedText = await d.one<{ s: string }>(sql`SELECT ${q.listText(q.listAggDistinct(sql`detail`), '; ')} AS s FROM conf_events`);
    assert.equal(joinedText!.s, 'a; b; c');
  });

  t('device units: one per key, equal to no address, comparable with addresses', async (d) => {
    const q = d.dialect;
    await d.load(EVENTS_TABLE, [
      { import_id: 1, ts: 1, victim: 2n ** 127n - 1n, detail: 'ssh:aa' },
      { import_id: 1, ts: 2, victim: 1n, detail: 'ssh:aa' },
      { import_id: 1, ts: 3, victim: 2n, detail: 'ssh:bb' },
    ]);
    const units = await d.all<{ unit: bigint; same: number | bigint | boolean }>(
      sql`SELECT ${q.deviceUnit(sql`detail`)} AS unit, CASE WHEN ${q.deviceUnit(sql`detail`)} = victim THEN 1 ELSE 0 END AS same FROM conf_events ORDER BY ts`,
    );
    const [a, b, c] = units.map((r) => BigInt(r.unit));
    assert.equal(a, b, 'the same key, the same unit');
    assert.notEqual(a, c);
    for (const u of [a!, c!]) assert.ok(u >= 2n ** 127n && u < 2n ** 128n, `${u} has the top bit set`);
    assert.deepEqual(units.map((r) => Number(r.same)), [0, 0, 0]);
    const n = await d.one<{ n: bigint }>(sql`SELECT count(DISTINCT ${q.deviceUnit(sql`detail`)}) AS n FROM conf_events`);
    assert.equal(Number(n!.n), 2);
  });

  t('time buckets across midnight UTC, epoch milliseconds both ways', async (d) => {
    const q = d.dialect;
    const before = Date.UTC(2026, 4, 6, 23, 59, 59, 999);
    const after = Date.UTC(2026, 4, 7, 0, 0, 0, 0);
    for (const [ms, hour, day] of [
      [before, Date.UTC(2026, 4, 6, 23), Date.UTC(2026, 4, 6)],
      [after, after, after],
    ] as const) {
      const r = await d.one<Record<string, unknown>>(
        sql`SELECT ${q.timeBucket('hour', sql.time(ms))} AS h, ${q.timeBucket('day', q.fromEpochMs(sql`${ms}`))} AS d, ${q.epochMs(sql.time(ms))} AS e, ${q.fromEpochMs(sql`${ms}`)} AS t`,
      );
      assert.equal((r!.h as Date).getTime(), hour);
      assert.equal((r!.d as Date).getTime(), day);
      assert.equal(n(r!.e), ms);
      assert.equal((r!.t as Date).getTime(), ms);
    }
    // An expression as the argument: a validity window widened by a grace (ms - grace, ms + grace).
    const grace = 86_400_000;
    const w = await d.one<Record<string, unknown>>(
      sql`SELECT ${q.fromEpochMs(sql`${q.epochMs(sql.time(after))} - ${sql.typed(grace, 'count')}`)} AS lo, ${q.fromEpochMs(sql`${q.epochMs(sql.time(after))} + ${sql.typed(grace, 'count')}`)} AS hi`,
    );
    assert.equal((w!.lo as Date).getTime(), after - grace);
    assert.equal((w!.hi as Date).getTime(), after + grace);
  });

  t('replaceInto keeps one row per key, the last written', async (d) => {
    const q = d.dialect;
    await d.run(q.replaceInto('conf_keyed', ['k', 'v'], sql`SELECT ${'a'} AS k, ${'1'} AS v UNION ALL SELECT ${'b'} AS k, ${'1'} AS v`));
    await d.run(q.replaceInto('conf_keyed', ['k', 'v'], sql`SELECT ${'a'} AS k, ${'2'} AS v`));
    await d.run(q.replaceInto('conf_keyed', ['k', 'v'], sql`SELECT ${'b'} AS k, ${'3'} AS v`));
    const rows = await d.all<{ k: string; v: string }>(sql`SELECT k, v FROM conf_keyed ORDER BY k`);
    assert.deepEqual(rows.map((r) => [r.k, r.v]), [['a', '2'], ['b', '3']]);
  });

  t('atomically: a throw leaves nothing visible, a success shows everything', async (d, again) => {
    const count = async (x: Driver) =>
      n((await x.one<{ k: unknown }>(sql`SELECT count(*) AS k FROM conf_events e WHERE ${x.dialect.visibleRows(sql.ident('e'))}`))!.k);
    const other = await again();
    try {
      await assert.rejects(
        d.atomically(async () => {
          await d.load(EVENTS_TABLE, [{ import_id: 7, ts: 0, victim: 1n }, { import_id: 7, ts: 86_400_000, victim: 2n }]);
          await d.run(sql`INSERT INTO conf_events (import_id, ts, victim) SELECT import_id, ts, victim FROM conf_events WHERE import_id = ${7}`);
          assert.equal(await count(d), 4, 'the writer sees its own rows');
          throw new Error('import failed half way');
        }),
        /half way/,
      );
      assert.equal(await count(d), 0);
      assert.equal(await count(other), 0);
      assert.equal(n((await d.one<{ k: unknown }>(sql`SELECT count(*) AS k FROM conf_events`))!.k), 0, 'the failed rows are gone, not only hidden');
      let seenDuring = -1;
      const out = await d.atomically(async () => {
        await d.load(EVENTS_TABLE, [{ import_id: 8, ts: 0, victim: 1n }]);
        await d.run(sql`INSERT INTO conf_events (import_id, ts, victim, detail) VALUES (${8}, ${sql.time(5)}, ${sql.address(2n)}, ${"it's"}), (${8}, ${sql.time(6)}, ${sql.address(3n)}, ${'(x)'})`);
        if (other !== d) seenDuring = await count(other);
        return 'ok';
      });
      assert.equal(out, 'ok');
      if (other !== d) assert.equal(seenDuring, 0, 'another reader does not see an import in progress');
      assert.equal(await count(d), 3);
      assert.equal(await count(other), 3);
    } finally {
      if (other !== d) await other.close();
    }
  });

  t('work tables exist for their work only', async (d) => {
    let name = '';
    const seen = await d.withWorkTable(EVENTS_TABLE, 'work_x', async (w) => {
      name = w.name;
      await d.load({ ...EVENTS_TABLE, name: w.name }, [{ import_id: 1, ts: 0, victim: 7n }]);
      return n((await d.one<{ k: unknown }>(sql`SELECT count(*) AS k FROM ${w.ref}`))!.k);
    });
    assert.equal(seen, 1);
    await assert.rejects(d.run(sql`SELECT * FROM ${sql.ident(name)}`));
  });

  t('kept tables: built once per key, read by a second driver, nothing kept of a failed build, the newest eight kept', async (d, again) => {
    assert.ok(d.can('kept-tables') && d.withKeptTable, 'both drivers keep tables');
    const builds: string[] = [];
    const keptWords = (x: Driver, key: string, word: string) =>
      x.withKeptTable!(
        KEPT_WORDS,
        async () => key,
        async (work) => {
          builds.push(key);
          await x.run(sql`INSERT INTO ${work.ref} (word) VALUES (${word})`);
        },
        async (k) => (await x.all<{ word: string }>(sql`SELECT word FROM ${k.ref}`)).map((r) => r.word),
      );
    assert.deepEqual(await keptWords(d, 'v1', 'one'), ['one']);
    assert.deepEqual(await keptWords(d, 'v1', 'not built again'), ['one']);
    const other = await again();
    try {
      assert.deepEqual(await keptWords(other, 'v1', 'not built again'), ['one']);
    } finally {
      if (other !== d) await other.close();
    }
    assert.deepEqual(builds, ['v1']);
    // A failed build keeps nothing under its key: the next call builds afresh.
    const failing = d.withKeptTable!(KEPT_WORDS, async () => 'v2', async (work) => {
      await d.run(sql`INSERT INTO ${work.ref} (word) VALUES ('half')`);
      throw new Error('build failed');
    }, async () => ['unreached']);
    await assert.rejects(failing, /build failed/);
    assert.deepEqual(await keptWords(d, 'v2', 'two'), ['two']);
    // Keys past the newest eight drop the oldest.
    for (let i = 3; i <= 10; i++) await keptWords(d, `v${i}`, `w${i}`);
    assert.deepEqual(await keptWords(d, 'v10', 'not built again'), ['w10']);
    assert.equal(builds.filter((b) => b === 'v10').length, 1);
    assert.deepEqual(await keptWords(d, 'v1', 'one again'), ['one again'], 'the oldest went, and is built anew');
  });

  t('kept tables built at once under different keys each answer with its own rows (a census asks its windows at once)', async (d) => {
    const keptWord = (key: string) =>
      d.withKeptTable!(
        KEPT_WORDS,
        async () => key,
        async (work) => d.run(sql`INSERT INTO ${work.ref} (word) VALUES (${key})`),
        async (k) => (await d.all<{ word: string }>(sql`SELECT word FROM ${k.ref}`)).map((r) => r.word),
      );
    // Rounds of builds at once, each renaming its table into place and pruning while the others list theirs.
    for (let round = 0; round < 4; round++) {
      const keys = [...Array(6)].map((_, i) => `r${round}k${i}`);
      assert.deepEqual(await Promise.all(keys.map(keptWord)), keys.map((k) => [k]));
    }
  });

  t('kept tables: one key asked at once is built once; a build may ask for another key of the same declaration', async (d) => {
    const builds: string[] = [];
    const keptWords = (key: string, build: (work: WorkTable) => Promise<void>) =>
      d.withKeptTable!(
        KEPT_WORDS,
        async () => key,
        async (work) => {
          builds.push(key);
          await build(work);
        },
        async (k) => (await d.all<{ word: string }>(sql`SELECT word FROM ${k.ref} ORDER BY word`)).map((r) => r.word),
      );
    const base = (work: WorkTable) => d.run(sql`INSERT INTO ${work.ref} (word) VALUES ('base')`);
    /** The table kept under `key` (asked inside withKeptTable's fn: its name). */
    const kept = (key: string) => d.withKeptTable!(KEPT_WORDS, async () => key, async () => assert.fail(`${key} not kept`), async (k) => k.name);
    // Built from the base table, asked for inside the build (as a census window takes its victims' attributes from the all-time one).
    const derived = (key: string) => (work: WorkTable) =>
      keptWords('base', base).then((words) => d.run(sql`INSERT INTO ${work.ref} (word) VALUES (${`${key} of ${words.join()}`})`));
    assert.deepEqual(await keptWords('a', derived('a')), ['a of base'], 'the base built inside the build of a');
    assert.deepEqual(builds, ['a', 'base']);
    builds.length = 0;
    await d.run(sql`DROP TABLE ${sql.ident(await kept('base'))}`);
    const answers = await Promise.all([keptWords('base', base), keptWords('b', derived('b')), keptWords('c', derived('c')), keptWords('base', base)]);
    assert.deepEqual(answers, [['base'], ['b of base'], ['c of base'], ['base']]);
    // The engine that answers questions side by side shares the base's build; the one that takes them in turn finds it kept.
    assert.deepEqual(builds.filter((b) => b === 'base'), ['base']);
    assert.deepEqual(await keptWords('a', derived('again')), ['a of base'], 'kept');
  });

  t('ids: above the stored ones, never the same twice, also from two drivers at once', async (d, again) => {
    await d.load(EVENTS_TABLE, [{ import_id: 41, ts: 0, victim: 1n }]);
    assert.equal(await d.nextId('conf_events', 'import_id'), 42);
    const other = await again();
    try {
      const ids = await Promise.all([...Array(12)].map((_, i) => (i % 2 ? other : d).nextId('conf_events', 'import_id')));
      assert.equal(new Set(ids).size, ids.length, `duplicates in ${ids.join(',')}`);
      assert.ok(ids.every((x) => x > 42));
    } finally {
      if (other !== d) await other.close();
    }
  });

  t('two writers at once lose and double nothing', async (d, again) => {
    const other = await again();
    const ROWS = 3000;
    try {
      const write = (x: Driver, tag: string) =>
        x.atomically(async () => {
          const id = await x.nextId('conf_events', 'import_id');
          const rows = [...Array(ROWS)].map((_, i) => ({ import_id: id, ts: i * 60_000, victim: BigInt(i), detail: tag }));
          for (let i = 0; i < ROWS; i += 1000) await x.load(EVENTS_TABLE, rows.slice(i, i + 1000));
          return id;
        });
      const [a, b] = await Promise.all([write(d, 'a'), write(other, 'b')]);
      assert.notEqual(a, b);
      const per = await d.all<{ import_id: number; detail: string; k: unknown; v: unknown }>(
        sql`SELECT import_id, detail, count(*) AS k, count(DISTINCT victim) AS v FROM conf_events e WHERE ${d.dialect.visibleRows(sql.ident('e'))} GROUP BY import_id, detail ORDER BY detail`,
      );
      assert.deepEqual(per.map((r) => [r.import_id, r.detail, n(r.k), n(r.v)]), [[a, 'a', ROWS, ROWS], [b, 'b', ROWS, ROWS]]);
    } finally {
      if (other !== d) await other.close();
    }
  });
}
