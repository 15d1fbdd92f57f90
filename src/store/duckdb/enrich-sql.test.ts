// Enrichment against the real range data (@ip-location-db): the /16-bucket join for IPv4 gives
// what a plain range containment gives, at range edges and for random addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDbStore } from './index.js';
import { tempDir } from '../../../test/tmp.js';

test('each victim gets the range that holds it: IPv4 by /16 bucket, IPv6 by ASOF, edges included', async () => {
  const store = await DuckDbStore.open(join(tempDir(), 'geo.duckdb'), { threads: 2 });
  await store.enrich(); // loads the range data
  const db = store.db;
  // Victims: both ends of ranges (and one past them) of 300 ranges spread over the table, random
  // IPv4 addresses, and IPv6 addresses at the ends of IPv6 ranges.
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
  assert.equal(await store.enrich(), n);
  // The reference: the narrowest range that holds the address. The country ranges overlap in a
  // few hundred places (a /24 with a narrower range at its end), where the narrower one is meant.
  // A special-purpose address gets nothing (the data files some private space under a country).
  const wrong = await db.all(`
    WITH ref AS (
      SELECT p.ip,
             (SELECT arg_min(asn, hi - lo) FROM geo_asn g WHERE p.ip BETWEEN g.lo AND g.hi) AS asn,
             (SELECT arg_min(org, hi - lo) FROM geo_asn g WHERE p.ip BETWEEN g.lo AND g.hi) AS org,
             (SELECT arg_min(country, hi - lo) FROM geo_country g WHERE p.ip BETWEEN g.lo AND g.hi) AS country
      FROM probe p WHERE NOT EXISTS (SELECT 1 FROM geo_special s WHERE p.ip BETWEEN s.lo AND s.hi)
      UNION ALL
      SELECT p.ip, NULL, NULL, NULL FROM probe p WHERE EXISTS (SELECT 1 FROM geo_special s WHERE p.ip BETWEEN s.lo AND s.hi))
    SELECT ref.ip::VARCHAR AS ip, ref.asn, h.asn AS got_asn, ref.country, h.country AS got_country
    FROM ref JOIN hosts h USING (ip)
    WHERE ref.asn IS DISTINCT FROM h.asn OR ref.org IS DISTINCT FROM h.as_org OR ref.country IS DISTINCT FROM h.country
    LIMIT 5`);
  assert.deepEqual(wrong, []);
  const found = await db.one<{ a: bigint; c: bigint }>(`SELECT count(asn) AS a, count(country) AS c FROM hosts`);
  assert.ok(Number(found!.a) > n / 3 && Number(found!.c) > n / 3, `${found!.a} with an ASN, ${found!.c} with a country, of ${n}`);
  await store.close();
});
