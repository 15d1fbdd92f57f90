// Telemetry that touched an indicator but did not count, with the reason, and how many telemetry
// rows touch the address at all: why a candidate did not match. Written once over the driver
// contract; it reads the raw telemetry, so it costs a scan of the flows.
import type { Driver } from '../store/driver.js';
import { c, type Table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type { MatchOptions, NearMiss, NearMissResult } from '../store/store.js';

/** The address's flows, each with its far end: read once, then joined and counted. */
const ADDRESS_FLOWS: Table = {
  name: 'lookup_flows',
  columns: [c('ts', 'time', true), c('line', 'int32', true), c('import_id', 'int32', true), c('far', 'address', true), c('far_port', 'uint16')],
};

/** Every suffix of a name, itself first, as the dialect's domainSuffixes splits it: a.b.example -> [a.b.example, b.example, example]. */
const domainSuffixes = (name: string): string[] => name.split('.').map((_x, i, labels) => labels.slice(i).join('.'));

/** At most this many near misses, the earliest first. */
const LIMIT = 50;

/** Why a candidate did not count, in the order the checks are made (0: it counted). */
const REASONS = ['', 'self-this', 'self', 'not-for-detection', 'warned', 'port', 'before', 'after'] as const;

interface Candidate {
  id: number;
  lo: bigint | null;
  hi: bigint | null;
  domain: string | null;
}

export async function lookupNearMisses(d: Driver, ip: bigint, match: MatchOptions): Promise<NearMissResult> {
  return d.withWorkTable(ADDRESS_FLOWS, ADDRESS_FLOWS.name, async (work) => {
    const a = sql.address(ip);
    const vis = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
    const key = d.dialect.addrKey(a);
    // Each side filters on its narrow key first (flows.src_key), one side at a time: an OR of the
    // two would scan both 16-byte columns.
    await d.run(
      sql`INSERT INTO ${work.ref} (ts, line, import_id, far, far_port)
          SELECT f.ts, f.line, f.import_id, f.dst, f.dport FROM flows f WHERE f.src_key = ${key} AND f.src = ${a} AND ${vis('f')}
          UNION ALL
          SELECT f.ts, f.line, f.import_id, f.src, f.sport FROM flows f WHERE f.dst_key = ${key} AND f.dst = ${a} AND f.src <> ${a} AND ${vis('f')}`,
    );
    const flowRows = Number((await d.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM ${work.ref}`))!.n);
    const flowCandidates = flowRows ? await flowCandidateSource(d, work.ref) : undefined;
    // The domain is the suffix it met (ClickHouse 18.16 reads the right side's join key back empty).
    const dnsCandidates = sql`SELECT i.id AS id, i.value AS value, i.lo AS lo, i.hi AS hi, i.port AS port, t.sfx AS domain,
                                     i.first_seen AS first_seen, i.last_seen AS last_seen, i.for_detection AS for_detection,
                                     t.ts AS ts, t.line AS line, t.import_id AS import_id
                              FROM (SELECT q.ts AS ts, q.line AS line, q.import_id AS import_id, ${d.dialect.unnest(d.dialect.domainSuffixes(sql`q.query`))} AS sfx
                                    FROM dns q WHERE q.client = ${a} AND ${vis('q')}) t
                              JOIN indicators i ON i.domain = t.sfx
                              WHERE ${vis('i')}`;
    const candidates = [...(flowCandidates ? [flowCandidates] : []), dnsCandidates];
    const ids = new Map<number, Candidate>();
    for (const cand of candidates)
      for (const r of await d.all<Candidate>(sql`SELECT DISTINCT x.id AS id, x.lo AS lo, x.hi AS hi, x.domain AS domain FROM (${cand}) x`))
        ids.set(Number(r.id), r);
    const nearMisses: NearMiss[] = [];
    if (ids.size) {
      const self = await isAddressIndicator(d, ip);
      const warned = await warnedIndicators(d, [...ids.values()]);
      const reasons = (cand: Sql, kind: 'flow' | 'dns') => {
        const farPort = kind === 'flow' ? sql`c.far_port` : sql`NULL`;
        const portMismatch = kind === 'flow' ? sql`c.port IS NOT NULL AND (c.far_port IS NULL OR c.far_port <> c.port)` : sql`c.port IS NOT NULL`;
        const ms = (x: Sql) => d.dialect.epochMs(x);
        return sql`SELECT r.* FROM (
            SELECT c.value AS value, c.ts AS ts, c.line AS line, c.port AS port, ${farPort} AS far_port, c.first_seen AS first_seen,
                   c.last_seen AS last_seen, im.file AS file,
                   CASE
                     WHEN c.lo <= ${a} AND ${a} <= c.hi THEN 1
                     WHEN ${self ? 1 : 0} = 1 THEN 2
                     WHEN NOT c.for_detection THEN 3
                     WHEN c.id IN ${sql.list([...warned])} THEN 4
                     WHEN ${portMismatch} THEN 5
                     WHEN c.first_seen IS NOT NULL AND ${ms(sql`c.ts`)} < ${ms(sql`c.first_seen`)} - ${match.graceMs} THEN 6
                     WHEN c.last_seen IS NOT NULL AND ${ms(sql`c.ts`)} > ${ms(sql`c.last_seen`)} + ${match.graceMs} THEN 7
                     ELSE 0
                   END AS reason
            FROM (${cand}) c JOIN imports im ON im.id = c.import_id
            WHERE ${vis('im')}) r
          WHERE r.reason > 0 ORDER BY r.ts, r.line, r.value LIMIT ${LIMIT}`;
      };
      const found: (NearMiss & { order: number })[] = [];
      for (const [kind, cand] of [
        ['flow', flowCandidates],
        ['dns', dnsCandidates],
      ] as const) {
        if (!cand) continue;
        for (const r of await d.all(reasons(cand, kind)))
          found.push({ indicator: r.value as string, kind, ts: r.ts as Date, file: r.file as string, line: Number(r.line), reason: reasonText(r), order: found.length });
      }
      found.sort((x, y) => x.ts.getTime() - y.ts.getTime() || x.order - y.order);
      nearMisses.push(...found.slice(0, LIMIT).map(({ order: _order, ...n }) => n));
    }
    const count = (from: string, where: Sql) => sql`(SELECT count(*) FROM ${sql.ident(from)} t WHERE (${where}) AND ${vis('t')})`;
    const tr = await d.one<{ n: unknown }>(
      sql`SELECT ${flowRows} + ${count('dns', sql`t.client = ${a}`)} + ${count('http', sql`t.client = ${a} OR t.server = ${a}`)}
               + ${count('tls', sql`t.client = ${a} OR t.server = ${a}`)} + ${count('alerts', sql`t.src = ${a} OR t.dst = ${a}`)}
               + ${count('reports', sql`t.ip = ${a}`)} AS n`,
    );
    return { nearMisses, telemetryRows: Number(tr!.n) };
  });
}

/**
 * The address indicators the address's flows reached at their far end: each flow is paired with
 * every prefix length the indicators use, so the join is on equal keys (prefix, network start).
 */
async function flowCandidateSource(d: Driver, work: Sql): Promise<Sql | undefined> {
  const prefixes = (
    await d.all<{ p: unknown }>(
      sql`SELECT DISTINCT i.prefix AS p FROM indicators i
          WHERE i.type IN ('ip', 'cidr', 'ip-port') AND i.prefix IS NOT NULL AND ${d.dialect.visibleRows(sql.ident('i'))} ORDER BY p`,
    )
  )
    .map((r) => Number(r.p))
    .filter((p) => Number.isInteger(p) && p >= 1 && p <= 128);
  if (!prefixes.length) return undefined;
  const keyed = sql.join(
    prefixes.map((p) => {
      const len = sql.raw(String(p));
      return sql`SELECT w.ts AS ts, w.line AS line, w.import_id AS import_id, w.far_port AS far_port, ${len} AS pfx,
                        ${d.dialect.networkStart(sql`w.far`, len)} AS k
                 FROM ${work} w`;
    }),
    sql` UNION ALL `,
  );
  // The indicators' keys are read as not NULL (the rows with NULL ones are left out): ClickHouse
  // 18.16 fails on a join of a Nullable key with a plain one.
  const indicators = sql`SELECT x.id AS id, x.value AS value, x.lo AS lo, x.hi AS hi, x.port AS port, x.domain AS domain,
                                x.first_seen AS first_seen, x.last_seen AS last_seen, x.for_detection AS for_detection,
                                coalesce(x.prefix, 0) AS ipfx, coalesce(x.lo, ${sql.address(0n)}) AS ik
                         FROM indicators x
                         WHERE x.type IN ('ip', 'cidr', 'ip-port') AND x.prefix IS NOT NULL AND x.lo IS NOT NULL AND ${d.dialect.visibleRows(sql.ident('x'))}`;
  return sql`SELECT i.id AS id, i.value AS value, i.lo AS lo, i.hi AS hi, i.port AS port, i.domain AS domain,
                    i.first_seen AS first_seen, i.last_seen AS last_seen, i.for_detection AS for_detection,
                    t.ts AS ts, t.line AS line, t.import_id AS import_id, t.far_port AS far_port
             FROM (${keyed}) t JOIN (${indicators}) i ON i.ipfx = t.pfx AND i.ik = t.k`;
}

/** Whether the address is itself an address indicator: then nothing it touched counts. */
async function isAddressIndicator(d: Driver, ip: bigint): Promise<boolean> {
  const a = sql.address(ip);
  const r = await d.one<{ n: unknown }>(
    sql`SELECT count(*) AS n FROM indicators x
        WHERE x.type IN ('ip', 'cidr', 'ip-port') AND x.lo <= ${a} AND ${a} <= x.hi AND ${d.dialect.visibleRows(sql.ident('x'))}`,
  );
  return Number(r!.n) > 0;
}

/** The candidates on a warninglist: their range inside a listed block, or their domain under a listed one. */
async function warnedIndicators(d: Driver, cands: Candidate[]): Promise<Set<number>> {
  const vis = d.dialect.visibleRows(sql.ident('w'));
  const warned = new Set<number>();
  const ranged = cands.filter((x) => x.lo !== null && x.hi !== null);
  for (let k = 0; k < ranged.length; k += 200) {
    const part = ranged.slice(k, k + 200);
    const blocks = await d.all<{ lo: bigint; hi: bigint }>(
      sql`SELECT DISTINCT w.lo AS lo, w.hi AS hi FROM warnings w
          WHERE w.kind = 'cidr' AND ${vis}
            AND (${sql.join(
              part.map((x) => sql`(w.lo <= ${sql.address(x.lo!)} AND ${sql.address(x.hi!)} <= w.hi)`),
              sql` OR `,
            )})`,
    );
    for (const x of part) if (blocks.some((b) => b.lo <= x.lo! && x.hi! <= b.hi)) warned.add(Number(x.id));
  }
  const named = cands.filter((x) => x.domain);
  const suffixes = [...new Set(named.flatMap((x) => domainSuffixes(x.domain!)))];
  for (let k = 0; k < suffixes.length; k += 500) {
    const listed = new Set(
      (
        await d.all<{ domain: string }>(
          sql`SELECT DISTINCT w.domain AS domain FROM warnings w WHERE w.kind = 'domain' AND w.domain IN ${sql.list(suffixes.slice(k, k + 500))} AND ${vis}`,
        )
      ).map((r) => r.domain),
    );
    for (const x of named) if (domainSuffixes(x.domain!).some((s) => listed.has(s))) warned.add(Number(x.id));
  }
  return warned;
}

/** The reason of a near miss, as the analyst reads it. */
function reasonText(r: Record<string, unknown>): string {
  const minute = (t: Date) => t.toISOString().slice(0, 16).replace('T', ' ');
  const day = (t: Date) => t.toISOString().slice(0, 10);
  switch (REASONS[Number(r.reason)]) {
    case 'self-this':
      return 'the address is itself this indicator';
    case 'self':
      return 'the address is itself an indicator';
    case 'not-for-detection':
      return 'the indicator is marked not for detection';
    case 'warned':
      return 'the indicator is on a warninglist';
    case 'port':
      return `port ${r.far_port === null || r.far_port === undefined ? 'none' : Number(r.far_port)} is not the indicator's port ${Number(r.port)}`;
    case 'before':
      return `seen ${minute(r.ts as Date)} UTC, before the indicator's window opens ${day(r.first_seen as Date)} (grace included)`;
    case 'after':
      return `seen ${minute(r.ts as Date)} UTC, after the indicator's window closed ${day(r.last_seen as Date)} (grace included)`;
    default:
      throw new Error(`unknown near-miss reason ${String(r.reason)}`);
  }
}
