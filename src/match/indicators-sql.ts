// The usable indicators of a match, in work tables: for detection, not warninglisted, their
// validity window widened by the grace. Written once for every engine (src/store/sql.ts): joins on
// equalities, no correlated subqueries, address arithmetic through the dialect.
import type { Driver, WorkTable } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';
import { IND_CERT, IND_DOM, IND_IP, IND_IP4_24, RANGES } from './work-tables.js';

/** ::ffff:0.0.0.0 and ::ffff:255.255.255.255: the IPv4 addresses as stored. */
export const IPV4_FIRST = 0xffff00000000n;
export const IPV4_LAST = 0xffffffffffffn;

/** Which indicators a match uses. */
export interface IndicatorScope {
  /** Only this intel import's indicators. */
  indicatorImport?: number;
  /** Only the indicators of the imports after `after` up to `through`. */
  indicatorImports?: { after: number; through: number };
  graceMs: number;
}

/** The work tables of the usable indicators; those the match's telemetry does not join are absent. */
export interface UsableIndicators {
  ip: WorkTable;
  dom?: WorkTable;
  cert?: WorkTable;
  /** The /24s of the usable IPv4 ranges, when they cover every usable IPv4 address (the coarse filter is exact). */
  ip4?: WorkTable;
}

/** Address indicator types: their lo, hi and prefix are set. */
export const ADDRESS_TYPES = sql`('ip', 'cidr', 'ip-port')`;

const visible = (alias: string): Sql => sql.dialect((d) => d.visibleRows(sql.ident(alias)));

function scopeOf(scope: IndicatorScope): Sql {
  if (scope.indicatorImport !== undefined) return sql`i.import_id = ${scope.indicatorImport}`;
  if (scope.indicatorImports) return sql`i.import_id > ${scope.indicatorImports.after} AND i.import_id <= ${scope.indicatorImports.through}`;
  return sql`1 = 1`;
}

/** An indicator's window ends, widened by the grace (NULL stays NULL: an open end). */
function windowEnds(graceMs: number): Sql {
  const grace = sql.typed(graceMs, 'count');
  return sql.dialect(
    (d) => sql`${d.fromEpochMs(sql`(${d.epochMs(sql`i.first_seen`)} - ${grace})`)} AS win_from,
               ${d.fromEpochMs(sql`(${d.epochMs(sql`i.last_seen`)} + ${grace})`)} AS win_to`,
  );
}

/** Whether time `ts` lies in the window of the indicator aliased `i`. */
export const inWindow = (ts: Sql): Sql => sql`(i.win_from IS NULL OR ${ts} >= i.win_from) AND (i.win_to IS NULL OR ${ts} <= i.win_to)`;

/**
 * Rows of `source` (alias t, filtered by `where`) joined to the address ranges of `ranges` (alias
 * `alias`, with columns prefix and key = netKey(lo, prefix)) that contain `addr`. Each row is
 * paired with every distinct prefix length first, so the join itself is a plain hash join on
 * (prefix, key): the optimiser cannot turn it into a range join over the validity windows.
 */
export function keyedJoin(source: Sql, addr: Sql, where: Sql, ranges: Sql, alias = 'i'): Sql {
  const key = sql.dialect((d) => d.netKey(addr, sql`pf.prefix`));
  return sql`(SELECT t.*, pf.prefix AS _p, ${key} AS _k
           FROM ${source} t CROSS JOIN (SELECT DISTINCT prefix FROM ${ranges}) pf WHERE ${where}) t
          JOIN ${ranges} ${sql.ident(alias)} ON ${sql.ident(alias)}.prefix = t._p AND ${sql.ident(alias)}.key = t._k`;
}

/** Loads address ranges with their network keys into `work`: `select` yields lo, hi, prefix. */
export async function loadRanges(d: Driver, work: WorkTable, select: Sql): Promise<void> {
  await d.run(
    sql`INSERT INTO ${work.ref} (lo, hi, prefix, key)
        SELECT lo, hi, prefix, ${sql.dialect((dl) => dl.netKey(sql`lo`, sql`prefix`))} FROM (${select}) r`,
  );
}

/** Every address indicator, usable or not: a victim that is itself an indicator is no victim. */
export const ANY_ADDRESS_INDICATOR = sql`SELECT i.lo, i.hi, i.prefix FROM indicators i WHERE i.type IN ${ADDRESS_TYPES} AND ${visible('i')}`;

/**
 * Runs `fn` with the usable indicators of `scope` in work tables: only those the telemetry
 * tables `tables` join (all when undefined).
 */
export async function withUsableIndicators<T>(d: Driver, scope: IndicatorScope, tables: readonly string[] | undefined, fn: (u: UsableIndicators) => Promise<T>): Promise<T> {
  const joins = (...names: string[]) => !tables || names.some((t) => tables.includes(t));
  const where = scopeOf(scope);
  const window = windowEnds(scope.graceMs);
  return d.withWorkTable(IND_IP, IND_IP.name, (ip) =>
    d.withWorkTable(RANGES, 'match_warned_cidrs', async (warned) => {
      await loadRanges(d, warned, sql`SELECT w.lo, w.hi, w.prefix FROM warnings w WHERE w.kind = 'cidr' AND ${visible('w')}`);
      // A warninglisted indicator: a warned block holds all of it (the keyed join finds the blocks
      // that hold its first address).
      const warnedIds = sql`SELECT t.id FROM ${keyedJoin(
        sql`(SELECT i.id, i.lo, i.hi FROM indicators i WHERE i.type IN ${ADDRESS_TYPES} AND i.for_detection = 1 AND ${where} AND ${visible('i')})`,
        sql`t.lo`,
        sql`1 = 1`,
        warned.ref,
        'w',
      )} WHERE t.lo >= w.lo AND t.hi <= w.hi`;
      await d.run(
        sql`INSERT INTO ${ip.ref} (id, lo, hi, prefix, key, port, family, win_from, win_to)
            SELECT i.id, i.lo, i.hi, i.prefix, ${sql.dialect((dl) => dl.netKey(sql`i.lo`, sql`i.prefix`))}, i.port, i.family, ${window}
            FROM indicators i
            WHERE i.type IN ${ADDRESS_TYPES} AND i.for_detection = 1 AND ${where} AND ${visible('i')}
              AND i.id NOT IN (${warnedIds})`,
      );
      const withDom = (u: UsableIndicators) =>
        !joins('dns', 'http', 'tls')
          ? withCert(u)
          : d.withWorkTable(IND_DOM, IND_DOM.name, async (dom) => {
              const suffixes = sql.dialect((dl) => dl.unnest(dl.domainSuffixes(sql`i.domain`)));
              const warnedDomains = sql`SELECT x.id FROM (SELECT i.id, ${suffixes} AS sfx FROM indicators i WHERE i.domain IS NOT NULL AND ${visible('i')}) x
                JOIN (SELECT w.domain FROM warnings w WHERE w.kind = 'domain' AND ${visible('w')}) wd ON wd.domain = x.sfx`;
              await d.run(
                sql`INSERT INTO ${dom.ref} (id, domain, url_path, type, family, win_from, win_to)
                    SELECT i.id, i.domain, i.url_path, i.type, i.family, ${window}
                    FROM indicators i
                    WHERE i.type IN ('domain', 'url') AND i.domain IS NOT NULL AND i.for_detection = 1 AND ${where} AND ${visible('i')}
                      AND i.id NOT IN (${warnedDomains})`,
              );
              return withCert({ ...u, dom });
            });
      const withCert = (u: UsableIndicators) =>
        !joins('tls')
          ? withCoarse(u)
          : d.withWorkTable(IND_CERT, IND_CERT.name, async (cert) => {
              await d.run(
                sql`INSERT INTO ${cert.ref} (id, type, value, family, win_from, win_to)
                    SELECT i.id, i.type, i.value, i.family, ${window}
                    FROM indicators i WHERE i.type IN ('cert-sha256', 'cert-sha1') AND i.for_detection = 1 AND ${where} AND ${visible('i')}`,
              );
              return withCoarse({ ...u, cert });
            });
      const withCoarse = async (u: UsableIndicators) => {
        if (!joins('flows') || !(await coarseFilterExact(d, ip))) return fn(u);
        return d.withWorkTable(IND_IP4_24, IND_IP4_24.name, async (ip4) => {
          await d.load({ ...IND_IP4_24, name: ip4.name }, [...(await ipv4Net24Keys(d, ip))].map((k) => ({ k })));
          return fn({ ...u, ip4 });
        });
      };
      return withDom({ ip });
    }),
  );
}

/**
 * Whether the /24s of the usable IPv4 ranges hold every usable IPv4 address: no range that holds
 * IPv4 addresses is wider than a /12 (4,096 /24s), or reaches into ::ffff:0:0/96 from IPv6.
 */
async function coarseFilterExact(d: Driver, ip: WorkTable): Promise<boolean> {
  const r = await d.one<{ n: bigint | number }>(
    sql`SELECT count(*) AS n FROM ${ip.ref}
        WHERE hi >= ${sql.address(IPV4_FIRST)} AND lo <= ${sql.address(IPV4_LAST)}
          AND NOT (lo >= ${sql.address(IPV4_FIRST)} AND lo <= ${sql.address(IPV4_LAST)} AND prefix >= 108)`,
  );
  return Number(r!.n) === 0;
}

/** The /24s (the low 32 bits of their first address) of the usable IPv4 ranges. */
async function ipv4Net24Keys(d: Driver, ip: WorkTable): Promise<Set<number>> {
  const rows = await d.all<{ k: number | bigint; prefix: number }>(
    sql`SELECT DISTINCT ${sql.dialect((dl) => dl.addrKey(sql`lo`))} AS k, prefix FROM ${ip.ref}
        WHERE lo >= ${sql.address(IPV4_FIRST)} AND lo <= ${sql.address(IPV4_LAST)} AND prefix >= 108`,
  );
  const keys = new Set<number>();
  for (const r of rows) {
    const first = Number(r.k) - (Number(r.k) % 256);
    const count = r.prefix >= 120 ? 1 : 2 ** (120 - r.prefix);
    for (let i = 0; i < count; i++) keys.add(first + i * 256);
  }
  return keys;
}
