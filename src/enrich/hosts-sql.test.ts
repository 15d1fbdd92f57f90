// Enrichment against the real range data (@ip-location-db): the bucket join gives what a plain
// range containment gives (the narrowest range that holds the address), at range edges and for
// random addresses; and the engine's own reading of the range files stores what the line reader
// stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../store/duckdb/index.js';
import { tempDir } from '../../test/tmp.js';
import { FIXTURE_GEO } from '../../test/store.js';
import { SPECIAL_PURPOSE_RANGES } from '../core/special-purpose.js';
import { enrichVictims } from './enrich.js';
import { ensureRanges, RANGE_SPANS, type LevelSpans } from './ranges-sql.js';
import { readMeta } from '../store/meta.js';
import { geoBuckets } from '../core/geo-buckets.js';

test('each victim gets the narrowest range that holds it, from the first provider with one, edges included', async () => {
  const store = await DuckDbStore.open(join(tempDir(), 'geo.duckdb'), { threads: 2 });
  await enrichVictims(store); // loads the range data
  const db = store.db;
  // Victims: both ends of ranges (and one past them) of 300 ranges spread over the table, random
  // IPv4 addresses, and IPv6 addresses at the ends of IPv6 ranges.
  await db.run(`CREATE TEMP TABLE special (lo UHUGEINT, hi UHUGEINT)`);
  for (const r of SPECIAL_PURPOSE_RANGES) await db.run(`INSERT INTO special VALUES ($1::UHUGEINT, $2::UHUGEINT)`, [r.lo.toString(), r.hi.toString()]);
  await db.run(`CREATE TEMP TABLE probe AS
    WITH v4 AS (SELECT lo, hi FROM geo_asn WHERE lo >> 32 = 65535 USING SAMPLE 300 ROWS (reservoir, 7)
                UNION ALL
                -- and the overlapping country ranges
                SELECT lo, hi FROM (SELECT lo, hi, lag(hi) OVER (ORDER BY lo) AS before FROM geo_country WHERE lo >> 32 = 65535) WHERE lo <= before),
         v6 AS (SELECT lo, hi FROM geo_country WHERE lo >> 32 <> 65535 AND lo > 281474976710655::UHUGEINT USING SAMPLE 100 ROWS (reservoir, 7))
    SELECT DISTINCT ip FROM (
      SELECT unnest([lo, hi, lo - 1, hi + 1]) AS ip FROM v4
      UNION ALL SELECT 281470681743360::UHUGEINT + (hash(i) % 4294967296)::UHUGEINT FROM range(3000) t(i)
      UNION ALL SELECT unnest([lo, hi, hi + 1]) FROM v6)
    WHERE ip >= 281470681743360::UHUGEINT`);
  const n = Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM probe`))!.n);
  assert.ok(n > 4000, `${n} probes`);
  await db.run(
    `INSERT INTO sightings (victim, kind, import_id, hour, first_seen, last_seen, events)
     SELECT ip, 'flow', 1, TIMESTAMP '2024-06-01', TIMESTAMP '2024-06-01', TIMESTAMP '2024-06-01', 1 FROM probe`,
  );
  assert.equal(await enrichVictims(store), n);
  // The reference: the narrowest range that holds the address. The country ranges overlap in a
  // few hundred places (a /24 with a narrower range at its end), where the narrower one is meant;
  // where two equal ranges disagree, the least value answers.
  // A special-purpose address gets nothing (the data files some private space under a country).
  const wrong = await db.all(`
    WITH ref AS (
      SELECT p.ip,
             (SELECT asn FROM geo_asn g WHERE p.ip BETWEEN g.lo AND g.hi ORDER BY hi - lo, asn LIMIT 1) AS asn,
             (SELECT org FROM geo_asn g WHERE p.ip BETWEEN g.lo AND g.hi ORDER BY hi - lo, asn LIMIT 1) AS org,
             (SELECT country FROM geo_country g WHERE p.ip BETWEEN g.lo AND g.hi ORDER BY hi - lo, country LIMIT 1) AS country
      FROM probe p WHERE NOT EXISTS (SELECT 1 FROM special s WHERE p.ip BETWEEN s.lo AND s.hi)
      UNION ALL
      SELECT p.ip, NULL, NULL, NULL FROM probe p WHERE EXISTS (SELECT 1 FROM special s WHERE p.ip BETWEEN s.lo AND s.hi))
    SELECT ref.ip::VARCHAR AS ip, ref.asn, h.asn AS got_asn, ref.country, h.country AS got_country
    FROM ref JOIN hosts h USING (ip)
    WHERE ref.asn IS DISTINCT FROM h.asn OR ref.org IS DISTINCT FROM h.as_org OR ref.country IS DISTINCT FROM h.country
    LIMIT 5`);
  assert.deepEqual(wrong, []);
  const found = await db.one<{ a: bigint; c: bigint }>(`SELECT count(asn) AS a, count(country) AS c FROM hosts`);
  assert.ok(Number(found!.a) > n / 3 && Number(found!.c) > n / 3, `${found!.a} with an ASN, ${found!.c} with a country, of ${n}`);
  await store.close();
});

test('the engine reading the range files itself stores the same rows as the line reader', async () => {
  const rows = async (store: DuckDbStore) =>
    store.db.all(
      `SELECT 'asn' AS t, level, b::VARCHAR AS b, lo::VARCHAR AS lo, hi::VARCHAR AS hi, asn, org, NULL AS country, src FROM geo_asn
       UNION ALL SELECT 'country', level, b::VARCHAR, lo::VARCHAR, hi::VARCHAR, NULL, NULL, country, src FROM geo_country
       ORDER BY ALL`,
    );
  // The fixture files, and a file of ranges that span many buckets at several levels.
  const dir = tempDir();
  const wide = join(dir, 'wide-v6.csv');
  writeFileSync(
    wide,
    [
      [0x20010db8n << 96n, (0x20010db9n << 96n) - 1n, 'ZZ'], // one /32: level 32
      [0x2a000000n << 96n, (0x2a100000n << 96n) - 1n, 'EU'], // a /12: one bucket at level 8
      [1n << 125n, (1n << 126n) - 1n, 'XX'], // 2000::/3: 2 buckets at level 4
      [(0x2a02n << 112n) + 5n, (0x2a02n << 112n) + (3n << 80n), 'DE'], // 4 buckets at level 48
    ]
      .map(([lo, hi, cc]) => `${lo},${hi},${cc}`)
      .join('\n') + '\n',
  );
  const geo = { ...FIXTURE_GEO, countryV6: [...FIXTURE_GEO.countryV6, wide] };
  const fast = await DuckDbStore.open(join(dir, 'fast.duckdb'), { geo, threads: 2 });
  const lines = await DuckDbStore.open(join(dir, 'lines.duckdb'), { geo, threads: 2 });
  await ensureRanges(fast);
  // The same store without the engine's own file reading: the line reader loads the files.
  await ensureRanges({ driver: lines.driver, geoSource: lines.geoSource, files: undefined });
  const a = await rows(fast);
  assert.ok(a.length > 10, `${a.length} rows`);
  assert.deepEqual(a, await rows(lines));
  const levels = new Set(a.map((r) => Number(r.level)));
  for (const l of [120, 48, 32, 8, 4]) assert.ok(levels.has(l), `level ${l} in ${[...levels]}`);
  await fast.close();
  await lines.close();
});

test('every range has a level and at most four buckets, the whole address space included', () => {
  for (const [lo, hi] of [
    [0n, (1n << 128n) - 1n],
    [0xffff00000000n, 0xffffffffffffn],
    [0xffff00000000n + 5n, 0xffff00000000n + 5n],
    [1n << 127n, (1n << 128n) - 1n],
  ] as const) {
    const b = geoBuckets(lo, hi);
    assert.ok(b.last - b.first < 4n, `${lo}-${hi}: level ${b.level}`);
    assert.equal(b.first, lo >> BigInt(128 - b.level));
  }
  assert.equal(geoBuckets(0n, (1n << 128n) - 1n).level, 2);
  assert.equal(geoBuckets(0xffff00000000n + 5n, 0xffff00000000n + 9n).level, 120, 'a few IPv4 addresses share their /24');
});

test('each level span recorded with the ranges holds every range of its level, so no address skips a level it has a range at', async () => {
  const store = await DuckDbStore.open(join(tempDir(), 'spans.duckdb'), { threads: 2 });
  await ensureRanges(store);
  const spans = JSON.parse((await readMeta(store.driver, RANGE_SPANS))!) as LevelSpans;
  for (const role of ['asn', 'country'] as const) {
    const t = role === 'asn' ? 'geo_asn' : 'geo_country';
    const rows = await store.db.all<{ level: number; lo: bigint; hi: bigint; n: bigint }>(
      `SELECT level, min(lo) AS lo, max(hi) AS hi, count(*) AS n FROM ${t} GROUP BY level ORDER BY level`,
    );
    assert.deepEqual(spans[role].map((s) => s[0]), rows.map((r) => Number(r.level)), `${role}: the levels`);
    for (const r of rows) {
      const [, lo, hi] = spans[role].find((s) => s[0] === Number(r.level))!;
      assert.ok(BigInt(lo) <= BigInt(r.lo) && BigInt(hi) >= BigInt(r.hi), `${role} level ${r.level}: ${lo}-${hi} holds ${r.lo}-${r.hi}`);
    }
    // Most levels hold IPv6 ranges only (their spans start above ::ffff:0:0/96): an IPv4 victim is
    // not looked up at those.
    const v6 = spans[role].filter((s) => BigInt(s[1]) > 0xffffffffffffn);
    assert.ok(v6.length >= spans[role].length / 2 && v6.length < spans[role].length, `${role}: ${v6.length} IPv6-only levels of ${spans[role].length}`);
  }
  await store.close();
});
