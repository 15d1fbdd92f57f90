// Matching as set joins: telemetry x usable indicators -> aggregated sightings. Address indicators
// join on (address >> host bits) per distinct prefix length, domains on the query's suffixes, so
// no per-row lookups happen in JavaScript. Runs either for one new telemetry import against every
// indicator, or for one new intel import against all stored telemetry.
import type { Db, Param } from './connection.js';
import { IPV4_LAST, IPV4_MAPPED, WINDOW_FROM, WINDOW_TO } from './macros.js';
import { noteFoldVictims, refoldAll, refoldNoted } from './victim-fold-sql.js';

export interface MatchScope {
  /** Match only this telemetry import's rows. */
  telemetryImport?: number;
  /** Telemetry tables the import wrote to (default: all): other tables need no scan. */
  tables?: string[];
  /** Match only this intel import's indicators. */
  indicatorImport?: number;
  /** Match only the indicators of the imports after `after` up to `through`. */
  indicatorImports?: { after: number; through: number };
  graceMs: number;
}

/** Builds the usable-indicator temp tables: for detection, not warninglisted, window widened by grace. */
async function prepareIndicators(db: Db, scope: MatchScope): Promise<void> {
  const p: Record<string, Param> = { grace: scope.graceMs };
  let indScope = 'true';
  if (scope.indicatorImport !== undefined) {
    indScope = 'i.import_id = $ind';
    p.ind = scope.indicatorImport;
  } else if (scope.indicatorImports) {
    indScope = 'i.import_id > $ind_after AND i.import_id <= $ind_through';
    p.ind_after = scope.indicatorImports.after;
    p.ind_through = scope.indicatorImports.through;
  }
  const window = `${WINDOW_FROM('i')} AS win_from, ${WINDOW_TO('i')} AS win_to`;
  // Only what the scope's telemetry joins (hitBranches): a flow import needs no domains or
  // certificates (about a third of this per import of a few flows).
  const joins = (...tables: string[]) => !scope.tables || tables.some((t) => scope.tables!.includes(t));
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ind_ip AS
     SELECT i.id, i.lo, i.hi, i.prefix, net_key(i.lo, i.prefix) AS key, i.port, i.family, ${window}
     FROM indicators i
     WHERE i.type IN ('ip', 'cidr', 'ip-port') AND i.for_detection AND ${indScope}
       AND NOT EXISTS (SELECT 1 FROM warnings w WHERE w.kind = 'cidr' AND i.lo >= w.lo AND i.hi <= w.hi)`,
    p,
  );
  if (joins('dns', 'http', 'tls')) await db.run(
    `CREATE OR REPLACE TEMP TABLE ind_dom AS
     WITH warned AS (
       SELECT DISTINCT x.id FROM (SELECT id, unnest(domain_suffixes(domain)) AS sfx FROM indicators WHERE domain IS NOT NULL) x
       JOIN warnings w ON w.kind = 'domain' AND w.domain = x.sfx)
     SELECT i.id, i.domain, i.url_path, i.type, i.family, ${window}
     FROM indicators i
     WHERE i.type IN ('domain', 'url') AND i.domain IS NOT NULL AND i.for_detection AND ${indScope}
       AND i.id NOT IN (SELECT id FROM warned)`,
    p,
  );
  if (joins('tls')) await db.run(
    `CREATE OR REPLACE TEMP TABLE ind_cert AS
     SELECT i.id, i.type, i.value, i.family, ${window}
     FROM indicators i WHERE i.type IN ('cert-sha256', 'cert-sha1') AND i.for_detection AND ${indScope}`,
    p,
  );
  // The /24s the usable IPv4 ranges cover (ranges up to a /12, 4,096 /24s, are expanded): a
  // flow whose far end lies in none of them cannot match, and is dropped by one lookup of its
  // 4-byte key before the join that pairs every flow with every prefix length.
  if (joins('flows')) await db.run(
    `CREATE OR REPLACE TEMP TABLE ind_ip4_24 AS
     SELECT DISTINCT (((lo & 4294967295) >> (128 - prefix)::UTINYINT << (120 - prefix)::UTINYINT) + unnest(range(1::BIGINT << (120 - prefix)::UTINYINT)))::UINTEGER AS k
     FROM ind_ip WHERE lo >> 32 = 65535 AND prefix BETWEEN 108 AND 120
     UNION
     SELECT ((lo & 4294967295) >> 8)::UINTEGER FROM ind_ip WHERE lo >> 32 = 65535 AND prefix > 120`,
  );
  // Every address indicator, usable or not: a victim that is itself an indicator is no victim.
  await db.run(`CREATE OR REPLACE TEMP TABLE ind_any_ip AS
     SELECT lo, hi, prefix, net_key(lo, prefix) AS key FROM indicators WHERE type IN ('ip', 'cidr', 'ip-port')`);
}

/**
 * Rows of `source` (alias t, filtered by `where`) joined to the address ranges of `ranges` (alias
 * `alias`, with columns prefix and key = net_key(lo, prefix)) that contain `addr`. Each row is
 * paired with every distinct prefix length first, so the join itself is a plain hash join on
 * (prefix, key): the optimiser cannot turn it into a range join over the validity windows.
 */
function keyedJoin(source: string, addr: string, where: string, alias = 'i', ranges = 'ind_ip'): string {
  return `(SELECT t.*, pf.prefix AS _p, net_key(${addr}, pf.prefix) AS _k
           FROM ${source} t, (SELECT DISTINCT prefix FROM ${ranges}) pf WHERE ${where}) t
          JOIN ${ranges} ${alias} ON ${alias}.prefix = t._p AND ${alias}.key = t._k`;
}

const inWindow = (ts: string) => `${ts} BETWEEN i.win_from AND i.win_to`;

/**
 * Whether the coarse filter on flows (ind_ip4_24) is exact for the usable ranges: no range that
 * holds IPv4 addresses is left out of it (an IPv4 range wider than a /12, or an IPv6 range
 * reaching into ::ffff:0:0/96).
 */
async function coarseFilterExact(db: Db): Promise<boolean> {
  const r = await db.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM ind_ip
     WHERE hi >= ${IPV4_MAPPED} AND lo <= ${IPV4_LAST} AND NOT (lo >> 32 = 65535 AND prefix >= 108)`,
  );
  return Number(r!.n) === 0;
}

/**
 * Flows of the scope whose far end `end` (src or dst) may be in a usable address range: an IPv6
 * address, or an IPv4 one in a /24 that ind_ip4_24 holds (its key column is the low 32 bits).
 */
function flowsNear(telemetryScope: string, end: 'src' | 'dst', coarse: boolean): string {
  if (!coarse) return `(SELECT * FROM flows t WHERE ${telemetryScope})`;
  return `(SELECT * FROM flows t WHERE ${telemetryScope}
             AND (t.${end} >> 32 <> 65535 OR t.${end}_key >> 8 IN (SELECT k FROM ind_ip4_24)))`;
}

/** Candidate hits, one row per telemetry row and indicator, in a common shape; one branch per source table. */
function hitBranches(telemetryScope: string, coarse: boolean): { table: string; sql: string }[] {
  // Every branch names its columns: a UNION takes the names of whichever branch comes first.
  const cols = (victim: string, kind: string, te: string, bytes: string, toInd: boolean, answered: string, detail: string) =>
    `${victim} AS victim, i.id AS indicator_id, '${kind}' AS kind, t.import_id, t.ts, ${te} AS te, ${bytes} AS bytes,
     ${toInd} AS to_ind, ${!toInd} AS from_ind, ${answered} AS answered, ${detail} AS detail, t.line, i.family`;
  const answered = `coalesce(t.rev_packets, 0) > 0 OR coalesce(t.rev_bytes, 0) > 0`;
  const flowBytes = `coalesce(t.bytes, 0) + coalesce(t.rev_bytes, 0)`;
  return [
    // flows: the other endpoint of an indicator address (and port) is the victim
    {
      table: 'flows',
      sql: `SELECT ${cols('t.src', 'flow', 'coalesce(t.te, t.ts)', flowBytes, true, answered, 'NULL')}
      FROM ${keyedJoin(flowsNear(telemetryScope, 'dst', coarse), 't.dst', 'true')} WHERE (i.port IS NULL OR i.port = t.dport) AND ${inWindow('t.ts')}`,
    },
    {
      table: 'flows',
      sql: `SELECT ${cols('t.dst', 'flow', 'coalesce(t.te, t.ts)', flowBytes, false, answered, 'NULL')}
      FROM ${keyedJoin(flowsNear(telemetryScope, 'src', coarse), 't.src', 'true')} WHERE (i.port IS NULL OR i.port = t.sport) AND ${inWindow('t.ts')}`,
    },
    // DNS: a query for an indicator domain or any subdomain of it
    {
      table: 'dns',
      sql: `SELECT ${cols('t.client', 'dns', 't.ts', '0', true, 'false', 't.query')}
      FROM (SELECT *, unnest(domain_suffixes(query)) AS sfx FROM dns t WHERE ${telemetryScope}) t
      JOIN ind_dom i ON i.type = 'domain' AND i.domain = t.sfx WHERE ${inWindow('t.ts')}`,
    },
    // HTTP: Host header under an indicator domain, or host + path under an indicator URL
    {
      table: 'http',
      sql: `SELECT ${cols('t.client', 'http', 't.ts', '0', true, 'true', "coalesce(t.host, '') || coalesce(t.uri, '')")}
      FROM (SELECT *, unnest(domain_suffixes(host)) AS sfx FROM http t WHERE ${telemetryScope} AND host IS NOT NULL) t
      JOIN ind_dom i ON i.domain = t.sfx
      WHERE (i.type = 'domain' OR (t.host = i.domain AND starts_with(coalesce(t.uri, '/'), coalesce(i.url_path, '/')))) AND ${inWindow('t.ts')}`,
    },
    // HTTP or TLS to an indicator address is an application-level hit
    {
      table: 'http',
      sql: `SELECT ${cols('t.client', 'http', 't.ts', '0', true, 'true', "coalesce(t.host, '') || coalesce(t.uri, '')")}
      FROM ${keyedJoin('http', 't.server', telemetryScope)} WHERE (i.port IS NULL OR i.port = t.dport) AND ${inWindow('t.ts')}`,
    },
    {
      table: 'tls',
      sql: `SELECT ${cols('t.client', 'tls', 't.ts', '0', true, 'true', 't.sni')}
      FROM ${keyedJoin('tls', 't.server', telemetryScope)} WHERE (i.port IS NULL OR i.port = t.dport) AND ${inWindow('t.ts')}`,
    },
    // TLS: SNI under an indicator domain
    {
      table: 'tls',
      sql: `SELECT ${cols('t.client', 'tls', 't.ts', '0', true, 'true', 't.sni')}
      FROM (SELECT *, unnest(domain_suffixes(sni)) AS sfx FROM tls t WHERE ${telemetryScope} AND sni IS NOT NULL) t
      JOIN ind_dom i ON i.type = 'domain' AND i.domain = t.sfx WHERE ${inWindow('t.ts')}`,
    },
    // TLS: the server certificate's fingerprint
    {
      table: 'tls',
      sql: `SELECT ${cols('t.client', 'tls', 't.ts', '0', true, 'true', 'coalesce(t.sni, t.subject)')}
      FROM tls t JOIN ind_cert i ON (i.type = 'cert-sha256' AND i.value = t.cert_sha256) OR (i.type = 'cert-sha1' AND i.value = t.cert_sha1)
      WHERE ${telemetryScope} AND ${inWindow('t.ts')}`,
    },
  ];
}

/** Inserts the sightings of `scope`; returns how many rows were added. */
export async function matchSightings(db: Db, scope: MatchScope): Promise<number> {
  return db.exclusive(async () => {
    await prepareIndicators(db, scope);
    const before = await countSightings(db);
    const telemetryScope = scope.telemetryImport === undefined ? 'true' : 't.import_id = $imp';
    const params: Record<string, Param> = {};
    if (scope.telemetryImport !== undefined) params.imp = scope.telemetryImport;
    const branches = hitBranches(telemetryScope, await coarseFilterExact(db)).filter((b) => !scope.tables || scope.tables.includes(b.table));
    if (branches.length) await db.run(
      `INSERT INTO sightings BY NAME
       WITH hits AS (${branches.map((b) => b.sql).join('\n     UNION ALL\n     ')}),
       victims_that_are_indicators AS (
         SELECT DISTINCT t.victim FROM ${keyedJoin('(SELECT DISTINCT victim FROM hits)', 't.victim', 'true', 'a', 'ind_any_ip')})
       SELECT victim, indicator_id, kind, import_id, date_trunc('hour', ts) AS hour,
              min(ts) AS first_seen, max(te) AS last_seen, count(*) AS events, sum(bytes)::UBIGINT AS bytes,
              bool_or(to_ind) AS to_indicator, bool_or(from_ind) AS from_indicator, bool_or(answered) AS answered,
              min(line) AS first_line, NULL AS device_id, any_value(family) AS family, any_value(detail) AS detail
       FROM hits WHERE victim NOT IN (SELECT victim FROM victims_that_are_indicators)
       GROUP BY victim, indicator_id, kind, import_id, date_trunc('hour', ts)
       -- Stored in time order: a window's edge days then read a few row groups (zonemaps), not all.
       ORDER BY first_seen`,
      params,
    );
    // Report rows that say a host is compromised are sightings by themselves (only once, by telemetry).
    if (scope.indicatorImport === undefined && (!scope.tables || scope.tables.includes('reports'))) {
      await db.run(
        `INSERT INTO sightings BY NAME
         SELECT t.ip AS victim, NULL AS indicator_id, 'report' AS kind, t.import_id, date_trunc('hour', t.ts) AS hour,
                min(t.ts) AS first_seen, max(t.ts) AS last_seen, count(*) AS events, 0::UBIGINT AS bytes,
                true AS to_indicator, false AS from_indicator, true AS answered, min(t.line) AS first_line,
                max(t.device_id) AS device_id, any_value(coalesce(t.family, t.infection, t.tag)) AS family,
                any_value(t.report_type) AS detail
         FROM reports t WHERE ${telemetryScope} AND t.compromised
         -- By report type too: a file holds one, but a sinkhole batch holds one per taken-over name.
         GROUP BY t.ip, t.import_id, date_trunc('hour', t.ts), t.device_id, t.report_type ORDER BY first_seen`,
        params,
      );
    }
    // The victims of the new sightings: those of the new telemetry import, or through the new indicators.
    if (scope.telemetryImport !== undefined) await foldVictimsOf(db, 'import_id = $imp', params);
    else if (scope.indicatorImport !== undefined) {
      await foldVictimsOf(db, 'indicator_id IN (SELECT id FROM indicators WHERE import_id = $ind)', { ind: scope.indicatorImport });
    } else await refoldAll(db);
    return (await countSightings(db)) - before;
  });
}

/** Folds the victims of the sightings `where` selects again (victim-fold-sql.ts). */
async function foldVictimsOf(db: Db, where: string, params: Record<string, Param>): Promise<void> {
  await noteFoldVictims(db, where, params);
  await refoldNoted(db);
}

/** Deletes the sightings `where` selects, and folds their victims again. */
async function deleteSightings(db: Db, where: string, params: Record<string, Param> = {}): Promise<void> {
  await noteFoldVictims(db, where, params);
  await db.run(`DELETE FROM sightings WHERE ${where}`, params);
  await refoldNoted(db);
}

/**
 * A prefiltered import's flows, some of them stored after the indicators of the imports in
 * (`after`, `through`] were matched: its sightings through those indicators are matched again
 * over all its flows (deleted first, so that an hour's group is one row, not two).
 */
export async function rematchImportFlows(db: Db, importId: number, indicators: { after: number; through: number }, graceMs: number): Promise<void> {
  if (indicators.through <= indicators.after) return;
  await db.exclusive(async () => {
    await deleteSightings(db, 'import_id = $imp AND indicator_id IN (SELECT id FROM indicators WHERE import_id > $after AND import_id <= $through)', {
      imp: importId,
      ...indicators,
    });
    await matchSightings(db, { telemetryImport: importId, tables: ['flows'], indicatorImports: indicators, graceMs });
  });
}

/** After new indicators: sightings whose victim is now known to be an indicator are withdrawn. */
export async function retractIndicatorVictims(db: Db, indicatorImport: number): Promise<number> {
  return db.exclusive(async () => {
    const before = await countSightings(db);
    await db.run(
      `CREATE OR REPLACE TEMP TABLE new_ind AS SELECT prefix, net_key(lo, prefix) AS key FROM indicators
       WHERE import_id = $ind AND type IN ('ip', 'cidr', 'ip-port')`,
      { ind: indicatorImport },
    );
    await deleteSightings(db, `victim IN (SELECT DISTINCT t.victim FROM ${keyedJoin('(SELECT DISTINCT victim FROM sightings)', 't.victim', 'true', 'a', 'new_ind')})`);
    return before - (await countSightings(db));
  });
}

async function countSightings(db: Db): Promise<number> {
  const r = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM sightings`);
  return Number(r!.n);
}

/** After a warninglist: sightings through indicators that are now warninglisted are withdrawn. */
export async function retractWarnedSightings(db: Db): Promise<number> {
  await prepareIndicators(db, { graceMs: 0 });
  const before = await countSightings(db);
  await deleteSightings(
    db,
    `indicator_id IS NOT NULL AND indicator_id NOT IN (SELECT id FROM ind_ip UNION ALL SELECT id FROM ind_dom UNION ALL SELECT id FROM ind_cert)
     AND indicator_id IN (SELECT id FROM indicators WHERE for_detection)`,
  );
  return before - (await countSightings(db));
}
