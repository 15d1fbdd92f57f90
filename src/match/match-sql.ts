// Matching as set joins: telemetry x usable indicators -> aggregated sightings. Address indicators
// join on the address's network key per distinct prefix length, domains on the query's suffixes,
// so no per-row lookups happen in JavaScript. Runs either for one new telemetry import against
// every indicator, or for new intel imports against all stored telemetry. Written once for every
// engine over the driver (src/store/driver.ts); the victim fold is kept in the same calls.
import type { Driver, WorkTable } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';
import { ADDRESS_TYPES, ANY_ADDRESS_INDICATOR, IPV4_FIRST, IPV4_LAST, inWindow, keyedJoin, loadRanges, withUsableIndicators, type IndicatorScope, type UsableIndicators } from './indicators-sql.js';
import { refoldAll, refoldVictimsOf } from './victim-fold.js';
import { HITS, INDICATOR_VICTIMS, RANGES } from './work-tables.js';

export interface MatchScope extends IndicatorScope {
  /** Match only this telemetry import's rows. */
  telemetryImport?: number;
  /** Telemetry tables the import wrote to (default: all): other tables need no scan. */
  tables?: readonly string[];
}

const visible = (alias: string): Sql => sql.dialect((d) => d.visibleRows(sql.ident(alias)));
const hour = (ts: Sql): Sql => sql.dialect((d) => d.timeBucket('hour', ts));

/** The columns of HITS, in the order every branch selects them. */
const HIT_COLUMNS = sql.raw('victim, indicator_id, kind, import_id, ts, te, bytes, to_ind, from_ind, answered, detail, line, family');

/**
 * Flows of the scope whose far end `end` (src or dst) may be in a usable address range: an IPv6
 * address, or an IPv4 one in a /24 of the coarse filter (its key column is the low 32 bits).
 */
function flowsNear(scope: Sql, end: 'src' | 'dst', ip4: WorkTable | undefined): Sql {
  if (!ip4) return sql`(SELECT * FROM flows t WHERE ${scope} AND ${visible('t')})`;
  const addr = sql.ident('t', end);
  const key = sql.ident('t', `${end}_key`);
  return sql`(SELECT * FROM flows t WHERE ${scope} AND ${visible('t')}
             AND (${addr} < ${sql.address(IPV4_FIRST)} OR ${addr} > ${sql.address(IPV4_LAST)} OR ${key} - ${key} % 256 IN (SELECT k FROM ${ip4.ref})))`;
}

/** The SELECT list of a hit branch, in HITS' column order. */
function hit(o: { victim: string; kind: string; te: string; bytes: string; toInd: boolean; answered: string; detail: string }): Sql {
  // Every column named (an engine may name an unnamed constant by its text, and two would clash);
  // the sightings' inserts name theirs apart from the columns they read (an alias is global there).
  return sql`${sql.raw(o.victim)} AS victim, i.id AS indicator_id, ${o.kind} AS kind, t.import_id AS import_id, t.ts AS ts, ${sql.raw(o.te)} AS te,
             ${sql.raw(o.bytes)} AS bytes, ${sql.raw(o.toInd ? '1' : '0')} AS to_ind, ${sql.raw(o.toInd ? '0' : '1')} AS from_ind,
             ${sql.raw(o.answered)} AS answered, ${sql.raw(o.detail)} AS detail, t.line AS line, i.family AS family`;
}

/** Candidate hits, one INSERT per source table and way of matching. */
function hitBranches(scope: Sql, u: UsableIndicators): { table: string; select: Sql }[] {
  const answered = 'CASE WHEN coalesce(t.rev_packets, 0) > 0 OR coalesce(t.rev_bytes, 0) > 0 THEN 1 ELSE 0 END';
  const flowBytes = 'coalesce(t.bytes, 0) + coalesce(t.rev_bytes, 0)';
  const httpDetail = "concat(coalesce(t.host, ''), coalesce(t.uri, ''))";
  const suffixes = (col: string) => sql.dialect((d) => d.unnest(d.domainSuffixes(sql.ident('t', col))));
  const portOk = (col: string) => sql`(i.port IS NULL OR i.port = ${sql.ident('t', col)})`;
  const out: { table: string; select: Sql }[] = [
    // flows: the other endpoint of an indicator address (and port) is the victim
    {
      table: 'flows',
      select: sql`SELECT ${hit({ victim: 't.src', kind: 'flow', te: 'coalesce(t.te, t.ts)', bytes: flowBytes, toInd: true, answered, detail: 'NULL' })}
        FROM ${keyedJoin(flowsNear(scope, 'dst', u.ip4), sql`t.dst`, sql`1 = 1`, u.ip.ref)} WHERE ${portOk('dport')} AND ${inWindow(sql`t.ts`)}`,
    },
    {
      table: 'flows',
      select: sql`SELECT ${hit({ victim: 't.dst', kind: 'flow', te: 'coalesce(t.te, t.ts)', bytes: flowBytes, toInd: false, answered, detail: 'NULL' })}
        FROM ${keyedJoin(flowsNear(scope, 'src', u.ip4), sql`t.src`, sql`1 = 1`, u.ip.ref)} WHERE ${portOk('sport')} AND ${inWindow(sql`t.ts`)}`,
    },
    // HTTP or TLS to an indicator address is an application-level hit
    {
      table: 'http',
      select: sql`SELECT ${hit({ victim: 't.client', kind: 'http', te: 't.ts', bytes: '0', toInd: true, answered: '1', detail: httpDetail })}
        FROM ${keyedJoin(sql`http`, sql`t.server`, sql`${scope} AND ${visible('t')}`, u.ip.ref)} WHERE ${portOk('dport')} AND ${inWindow(sql`t.ts`)}`,
    },
    {
      table: 'tls',
      select: sql`SELECT ${hit({ victim: 't.client', kind: 'tls', te: 't.ts', bytes: '0', toInd: true, answered: '1', detail: 't.sni' })}
        FROM ${keyedJoin(sql`tls`, sql`t.server`, sql`${scope} AND ${visible('t')}`, u.ip.ref)} WHERE ${portOk('dport')} AND ${inWindow(sql`t.ts`)}`,
    },
  ];
  if (u.dom) {
    const dom = u.dom.ref;
    out.push(
      // DNS: a query for an indicator domain or any subdomain of it
      {
        table: 'dns',
        select: sql`SELECT ${hit({ victim: 't.client', kind: 'dns', te: 't.ts', bytes: '0', toInd: true, answered: '0', detail: 't.query' })}
          FROM (SELECT t.*, ${suffixes('query')} AS sfx FROM dns t WHERE ${scope} AND ${visible('t')}) t
          JOIN (SELECT * FROM ${dom} WHERE type = 'domain') i ON i.domain = t.sfx WHERE ${inWindow(sql`t.ts`)}`,
      },
      // HTTP: Host header under an indicator domain, or host + path under an indicator URL
      {
        table: 'http',
        select: sql`SELECT ${hit({ victim: 't.client', kind: 'http', te: 't.ts', bytes: '0', toInd: true, answered: '1', detail: httpDetail })}
          FROM (SELECT t.*, ${suffixes('host')} AS sfx FROM http t WHERE ${scope} AND ${visible('t')} AND t.host IS NOT NULL) t
          JOIN ${dom} i ON i.domain = t.sfx
          WHERE (i.type = 'domain' OR (t.host = i.domain
                 AND substring(coalesce(t.uri, '/'), 1, length(coalesce(i.url_path, '/'))) = coalesce(i.url_path, '/')))
            AND ${inWindow(sql`t.ts`)}`,
      },
      // TLS: SNI under an indicator domain
      {
        table: 'tls',
        select: sql`SELECT ${hit({ victim: 't.client', kind: 'tls', te: 't.ts', bytes: '0', toInd: true, answered: '1', detail: 't.sni' })}
          FROM (SELECT t.*, ${suffixes('sni')} AS sfx FROM tls t WHERE ${scope} AND ${visible('t')} AND t.sni IS NOT NULL) t
          JOIN (SELECT * FROM ${dom} WHERE type = 'domain') i ON i.domain = t.sfx WHERE ${inWindow(sql`t.ts`)}`,
      },
    );
  }
  if (u.cert) {
    // TLS: the server certificate's fingerprint
    for (const [type, col] of [['cert-sha256', 'cert_sha256'], ['cert-sha1', 'cert_sha1']] as const) {
      out.push({
        table: 'tls',
        select: sql`SELECT ${hit({ victim: 't.client', kind: 'tls', te: 't.ts', bytes: '0', toInd: true, answered: '1', detail: 'coalesce(t.sni, t.subject)' })}
          FROM (SELECT * FROM tls t WHERE ${scope} AND ${visible('t')}) t
          JOIN (SELECT * FROM ${u.cert.ref} WHERE type = ${type}) i ON i.value = ${sql.ident('t', col)}
          WHERE ${inWindow(sql`t.ts`)}`,
      });
    }
  }
  return out;
}

/** The sightings' columns a match writes (device_id is the reports' own). */
const SIGHTING_COLUMNS = sql.raw(
  'victim, indicator_id, kind, import_id, hour, first_seen, last_seen, events, bytes, to_indicator, from_indicator, answered, first_line, family, detail',
);

/** Inserts the sightings of `scope` and folds their victims again; returns how many sightings were added. */
export async function matchSightings(d: Driver, scope: MatchScope): Promise<number> {
  return d.exclusive(async () => {
    const before = await countSightings(d);
    await insertSightings(d, scope);
    // The victims of the new sightings: those of the new telemetry import, or through the new indicators.
    if (scope.telemetryImport !== undefined) await refoldVictimsOf(d, sql`import_id = ${scope.telemetryImport}`);
    else if (scope.indicatorImport !== undefined) await refoldVictimsOf(d, sql`indicator_id IN (SELECT i.id FROM indicators i WHERE i.import_id = ${scope.indicatorImport})`);
    else await refoldAll(d);
    return (await countSightings(d)) - before;
  });
}

/** Inserts the sightings of `scope`: matching itself, without the victim fold. */
export async function insertSightings(d: Driver, scope: MatchScope): Promise<void> {
  await d.exclusive(async () => {
    const telemetryScope = scope.telemetryImport === undefined ? sql`1 = 1` : sql`t.import_id = ${scope.telemetryImport}`;
    const tables = scope.tables;
    const wanted = (t: string) => !tables || tables.includes(t);
    if (['flows', 'dns', 'http', 'tls'].some(wanted)) {
      await withUsableIndicators(d, scope, tables, async (u) => {
        const branches = hitBranches(telemetryScope, u).filter((b) => wanted(b.table));
        if (!branches.length) return;
        await d.withWorkTable(HITS, HITS.name, async (hits) => {
          // One statement: the engine scans the telemetry for every branch at once.
          await d.run(sql`INSERT INTO ${hits.ref} (${HIT_COLUMNS}) ${sql.join(branches.map((b) => b.select), sql.raw(' UNION ALL '))}`);
          await insertSightingsOfHits(d, hits);
        });
      });
    }
    // Report rows that say a host is compromised are sightings by themselves (only once, by telemetry).
    if (scope.indicatorImport === undefined && scope.indicatorImports === undefined && wanted('reports')) {
      await d.run(
        sql`INSERT INTO sightings (victim, kind, import_id, hour, first_seen, last_seen, events, bytes, to_indicator, from_indicator, answered, first_line, device_id, family, detail)
         SELECT t.ip AS s_victim, 'report' AS s_kind, t.import_id AS s_import_id, ${hour(sql`t.ts`)} AS s_hour, min(t.ts) AS s_first_seen,
                max(t.ts) AS s_last_seen, count(*) AS s_events, 0 AS s_bytes, 1 AS s_to_indicator, 0 AS s_from_indicator, 1 AS s_answered,
                min(t.line) AS s_first_line, max(t.device_id) AS s_device_id, min(coalesce(t.family, t.infection, t.tag)) AS s_family,
                min(t.report_type) AS s_detail
         FROM reports t WHERE ${telemetryScope} AND t.compromised = 1 AND ${visible('t')}
         -- By report type too: a file holds one, but a sinkhole batch holds one per taken-over name.
         GROUP BY t.ip, t.import_id, ${hour(sql`t.ts`)}, t.device_id, t.report_type ORDER BY min(t.ts)`,
      );
    }
  });
}

/** Groups the hits per victim, indicator, kind, import and hour into sightings, leaving out victims that are indicators themselves. */
async function insertSightingsOfHits(d: Driver, hits: WorkTable): Promise<void> {
  await d.withWorkTable(RANGES, 'match_any_ip', async (anyIp) => {
    await loadRanges(d, anyIp, ANY_ADDRESS_INDICATOR);
    const indicatorVictims = sql`SELECT t.victim FROM ${keyedJoin(sql`(SELECT DISTINCT victim FROM ${hits.ref})`, sql`t.victim`, sql`1 = 1`, anyIp.ref, 'a')}`;
    await d.run(
      sql`INSERT INTO sightings (${SIGHTING_COLUMNS})
       SELECT victim, indicator_id, kind, import_id, ${hour(sql`ts`)} AS s_hour, min(ts) AS s_first_seen, max(te) AS s_last_seen, count(*) AS s_events,
              sum(bytes) AS s_bytes, max(to_ind) AS s_to_indicator, max(from_ind) AS s_from_indicator, max(answered) AS s_answered,
              min(line) AS s_first_line, min(family) AS s_family, min(detail) AS s_detail
       FROM ${hits.ref} WHERE victim NOT IN (${indicatorVictims})
       GROUP BY victim, indicator_id, kind, import_id, ${hour(sql`ts`)}
       -- Stored in time order: a window's edge days then read a few row groups (zonemaps), not all.
       ORDER BY min(ts)`,
    );
  });
}

/** Deletes the sightings `where` selects (over the table's own column names), and folds their victims again. */
async function deleteSightings(d: Driver, where: Sql): Promise<void> {
  await refoldVictimsOf(d, where, async () => {
    if (d.can('transactions')) return d.run(sql`DELETE FROM sightings WHERE ${where}`);
    // A mutation (ClickHouse) runs apart from the query that started it: it cannot read work
    // tables or alias the table it changes, so the rows are named by value, in chunks.
    const doomed = await d.all<{ victim: bigint; ind: number | bigint; imp: number | bigint }>(
      sql`SELECT s.victim AS victim, coalesce(s.indicator_id, -1) AS ind, s.import_id AS imp FROM sightings s WHERE ${visible('s')} AND (${where})
          GROUP BY s.victim, coalesce(s.indicator_id, -1), s.import_id`,
    );
    for (let at = 0; at < doomed.length; at += DELETE_CHUNK) {
      const keys = doomed.slice(at, at + DELETE_CHUNK).map((r) => sql`(${sql.address(r.victim)}, ${Number(r.ind)}, ${Number(r.imp)})`);
      await d.run(sql`DELETE FROM sightings WHERE (victim, coalesce(indicator_id, -1), import_id) IN (${sql.join(keys)})`);
    }
  });
}

/** Sightings named per mutation: well within a statement's size limit (256 KiB on ClickHouse). */
const DELETE_CHUNK = 1000;

/**
 * A prefiltered import's flows, some of them stored after the indicators of the imports in
 * (`after`, `through`] were matched: its sightings through those indicators are matched again
 * over all its flows (deleted first, so that an hour's group is one row, not two).
 */
export async function rematchImportFlows(d: Driver, importId: number, indicators: { after: number; through: number }, graceMs: number): Promise<void> {
  if (indicators.through <= indicators.after) return;
  await d.exclusive(async () => {
    await deleteSightings(
      d,
      sql`import_id = ${importId} AND indicator_id IN (SELECT i.id FROM indicators i WHERE i.import_id > ${indicators.after} AND i.import_id <= ${indicators.through})`,
    );
    await matchSightings(d, { telemetryImport: importId, tables: ['flows'], indicatorImports: indicators, graceMs });
  });
}

/** After new indicators: sightings whose victim is now known to be an indicator are withdrawn. */
export async function retractIndicatorVictims(d: Driver, indicatorImport: number): Promise<number> {
  return d.exclusive(async () => {
    const before = await countSightings(d);
    await d.withWorkTable(RANGES, 'match_new_ind', async (fresh) => {
      await loadRanges(d, fresh, sql`SELECT i.lo, i.hi, i.prefix FROM indicators i WHERE i.import_id = ${indicatorImport} AND i.type IN ${ADDRESS_TYPES} AND ${visible('i')}`);
      // Named in a work table first: the withdrawal reads its condition several times, and current
      // ClickHouse would take the keyed join's alias `t` inside it for the folds' column `t`.
      await d.withWorkTable(INDICATOR_VICTIMS, INDICATOR_VICTIMS.name, async (victims) => {
        await d.run(sql`INSERT INTO ${victims.ref} (victim)
                        SELECT t.victim FROM ${keyedJoin(sql`(SELECT s.victim AS victim FROM sightings s WHERE ${visible('s')} GROUP BY s.victim)`, sql`t.victim`, sql`1 = 1`, fresh.ref, 'a')}`);
        await deleteSightings(d, sql`victim IN (SELECT victim FROM ${victims.ref})`);
      });
    });
    return before - (await countSightings(d));
  });
}

async function countSightings(d: Driver): Promise<number> {
  const r = await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM sightings s WHERE ${visible('s')}`);
  return Number(r!.n);
}

/** After a warninglist: sightings through indicators that are now warninglisted are withdrawn. */
export async function retractWarnedSightings(d: Driver): Promise<number> {
  return d.exclusive(async () => {
    const before = await countSightings(d);
    await withUsableIndicators(d, { graceMs: 0 }, undefined, async (u) => {
      const usable = sql`SELECT id FROM ${u.ip.ref} UNION ALL SELECT id FROM ${u.dom!.ref} UNION ALL SELECT id FROM ${u.cert!.ref}`;
      await deleteSightings(
        d,
        sql`indicator_id IS NOT NULL AND indicator_id NOT IN (${usable})
            AND indicator_id IN (SELECT i.id FROM indicators i WHERE i.for_detection = 1)`,
      );
    });
    return before - (await countSightings(d));
  });
}
