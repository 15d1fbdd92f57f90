// One address's evidence, written once over the driver contract: whether it is an indicator or
// warninglisted, the evidence behind each of its sightings, its owner, the services seen on it and
// the devices identified on it.
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';
import type { EvidenceRow, Grade, HostEnrichment, LookupDevice, LookupEvidence, LookupService } from '../store/store.js';
import { formatIp } from '../core/ip.js';
import { INDICATOR_COLUMNS, indicatorRow } from '../core/model/indicator-row.js';

/** Text from a query: ClickHouse fills the missing side of a LEFT JOIN with '' rather than NULL, and no such value is ever ''. */
const text = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : (v as string));

/** The columns of `sightings` the evidence reads (a `sightings` relation given has them too). */
const SOURCE_COLUMNS = [
  'victim', 'indicator_id', 'kind', 'import_id', 'first_seen', 'last_seen', 'events', 'bytes', 'to_indicator', 'from_indicator', 'answered',
  'first_line', 'detail',
];

/**
 * One address's enrichment, indicator and warninglist status, and the evidence behind its
 * sightings. `sightings`: a relation with the columns of `sightings` read here that is quicker to
 * read for one victim (the census's victim-ordered fold, src/census/pair-days.ts); the sightings
 * themselves otherwise.
 */
export async function lookupEvidence(d: Driver, ip: bigint, host: HostEnrichment | undefined, sightings?: Sql): Promise<LookupEvidence> {
  const a = sql.address(ip);
  const vis = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const cols = sql.join(INDICATOR_COLUMNS.map((c) => sql.ident(c)));
  const isIndicator = (
    await d.all(sql`SELECT ${cols} FROM indicators i WHERE i.lo <= ${a} AND ${a} <= i.hi AND ${vis('i')} ORDER BY i.id`)
  ).map((r) => indicatorRow(r));
  const warnings = (
    await d.all<{ list: string }>(
      sql`SELECT DISTINCT w.list AS list FROM warnings w WHERE w.kind = 'cidr' AND w.lo <= ${a} AND ${a} <= w.hi AND ${vis('w')} ORDER BY list`,
    )
  ).map((r) => r.list);
  const source = sightings ?? sql`(SELECT ${sql.join(SOURCE_COLUMNS.map((c) => sql.ident(c)))} FROM sightings s0 WHERE ${vis('s0')})`;
  // Sightings with their indicator first, then their file: one join per SELECT.
  const ev = await d.all(
    sql`SELECT x.ind_value AS ind_value, x.ind_source AS ind_source, x.kind AS kind, min(x.detail) AS detail_any,
               min(x.first_seen) AS first_ts, max(x.last_seen) AS last_ts, sum(x.events) AS n_events, sum(x.bytes) AS n_bytes,
               max(CASE WHEN x.to_indicator = 1 THEN 1 ELSE 0 END) AS t, max(CASE WHEN x.from_indicator = 1 THEN 1 ELSE 0 END) AS f,
               max(CASE WHEN x.answered = 1 THEN 1 ELSE 0 END) AS answered_any, im.file AS file, min(x.first_line) AS line_first
        FROM (SELECT s.kind AS kind, s.detail AS detail, s.first_seen AS first_seen, s.last_seen AS last_seen, s.events AS events,
                     s.bytes AS bytes, s.to_indicator AS to_indicator, s.from_indicator AS from_indicator, s.answered AS answered,
                     s.first_line AS first_line, s.import_id AS import_id, i.value AS ind_value, i.source AS ind_source
              FROM ${source} s LEFT JOIN indicators i ON i.id = s.indicator_id
              WHERE s.victim = ${a}) x
        JOIN imports im ON im.id = x.import_id
        WHERE ${vis('im')}
        GROUP BY x.ind_value, x.ind_source, x.kind, im.file ORDER BY first_ts, file, kind, ind_value`,
  );
  const evidence: EvidenceRow[] = ev.map((r) => {
    const kind = r.kind as string;
    const t = Number(r.t) === 1;
    const f = Number(r.f) === 1;
    const answered = Number(r.answered_any) === 1;
    const grade: Grade = kind !== 'flow' ? 'confirmed' : answered || (t && f) ? 'two-way' : 'one-way';
    return {
      indicator: text(r.ind_value),
      indicatorSource: text(r.ind_source),
      kind,
      detail: text(r.detail_any),
      firstSeen: r.first_ts as Date,
      lastSeen: r.last_ts as Date,
      events: Number(r.n_events),
      bytes: Number(r.n_bytes ?? 0),
      direction: kind !== 'flow' ? 'n/a' : (t && f) || answered ? 'both' : t ? 'to-indicator' : 'from-indicator',
      grade,
      file: r.file as string,
      firstLine: r.line_first === null ? undefined : Number(r.line_first),
    };
  });
  return {
    ip: formatIp(ip),
    host,
    isIndicator,
    warnings,
    evidence,
    owner: await ownerOf(d, ip, host?.asn),
    services: await servicesOf(d, ip),
    devices: await devicesOf(d, ip),
  };
}

/**
 * The address's most specific owner, as the victim queries choose it (a longer prefix beats a
 * shorter one, any block beats an ASN), with the ASN of its enrichment, victim or not.
 */
async function ownerOf(d: Driver, ip: bigint, asn: number | undefined): Promise<string | undefined> {
  const a = sql.address(ip);
  const vis = d.dialect.visibleRows(sql.ident('k'));
  const byAsn = asn === undefined ? sql.empty : sql` UNION ALL SELECT k.owner AS owner, 0 AS spec FROM owner_keys k WHERE k.asn = ${asn} AND ${vis}`;
  const r = await d.one<{ owner: string | null }>(
    sql`SELECT ${d.dialect.argMax(sql`o.owner`, sql`o.spec`)} AS owner FROM (
          SELECT k.owner AS owner, k.prefix AS spec FROM owner_keys k
          WHERE k.prefix IS NOT NULL AND k.lo <= ${a} AND ${a} <= k.hi AND ${vis}${byAsn}) o`,
  );
  // No owner: NULL on DuckDB, '' on ClickHouse (argMax of no rows).
  return text(r?.owner);
}

/** The services seen on the address, one row per port, transport, protocol, source and file. */
async function servicesOf(d: Driver, ip: bigint): Promise<LookupService[]> {
  const rows = await d.all(
    sql`SELECT s.port AS port, s.transport AS transport, s.protocol AS protocol, s.source AS source, min(s.ts) AS first_ts,
               max(s.last_ts) AS last_ts, sum(s.events) AS n_events, im.file AS file, min(s.line) AS line_first
        FROM (SELECT x.port AS port, x.transport AS transport, x.protocol AS protocol, x.source AS source, x.ts AS ts, x.last_ts AS last_ts,
                     x.events AS events, x.line AS line, x.import_id AS import_id
              FROM services x WHERE x.ip = ${sql.address(ip)} AND ${d.dialect.visibleRows(sql.ident('x'))}) s
        JOIN imports im ON im.id = s.import_id
        WHERE ${d.dialect.visibleRows(sql.ident('im'))}
        GROUP BY s.port, s.transport, s.protocol, s.source, im.file
        ORDER BY port NULLS LAST, protocol, first_ts, transport, source, file LIMIT 100`,
  );
  return rows.map((r) => ({
    port: r.port === null ? undefined : Number(r.port),
    transport: text(r.transport),
    protocol: r.protocol as string,
    source: r.source as string,
    firstSeen: r.first_ts as Date,
    lastSeen: r.last_ts as Date,
    events: Number(r.n_events),
    file: r.file as string,
    line: Number(r.line_first),
  }));
}

/** The devices identified on the address, the one that held it last first, with evidence and KEV exposures. */
async function devicesOf(d: Driver, ip: bigint): Promise<LookupDevice[]> {
  const vis = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const rows = await d.all(
    sql`SELECT x.device AS device, x.stable AS stable, x.vendor AS vendor, x.product AS product, x.version AS version,
               x.device_type AS device_type, x.identity AS identity, min(x.first_seen) AS first_ts, max(x.last_seen) AS last_ts
        FROM (SELECT da.device AS device, di.stable AS stable, di.vendor AS vendor, di.product AS product, di.version AS version,
                     di.device_type AS device_type, di.identity AS identity, da.first_seen AS first_seen, da.last_seen AS last_seen
              FROM (SELECT a.device AS device, a.first_seen AS first_seen, a.last_seen AS last_seen FROM device_addresses a
                    WHERE a.ip = ${sql.address(ip)} AND ${vis('a')}) da
              JOIN device_identities di ON di.device = da.device
              WHERE ${vis('di')}) x
        GROUP BY x.device, x.stable, x.vendor, x.product, x.version, x.device_type, x.identity
        ORDER BY last_ts DESC, device LIMIT 20`,
  );
  const devices = rows.map((r) => r.device as string);
  const exposures = new Map<string, LookupDevice['exposures']>();
  if (devices.length) {
    const ex = await d.all(
      sql`SELECT e.device AS device, e.cve_id AS cve_id, k.vulnerability_name AS name, e.level AS level, e.matched_on AS matched_on
          FROM (SELECT x.device AS device, x.cve_id AS cve_id, x.level AS level, x.matched_on AS matched_on FROM exposures x
                WHERE x.device IN ${sql.list(devices)} AND ${vis('x')}) e
          LEFT JOIN kev k ON k.cve_id = e.cve_id
          ORDER BY device, cve_id`,
    );
    for (const x of ex) {
      const list = exposures.get(x.device as string) ?? [];
      list.push({ cveID: x.cve_id as string, name: text(x.name), level: x.level as string, matchedOn: x.matched_on as string });
      exposures.set(x.device as string, list);
    }
  }
  return rows.map((r) => {
    const identity = r.identity ? (JSON.parse(r.identity as string) as { evidence?: LookupDevice['evidence'] }) : {};
    return {
      device: r.device as string,
      stable: Boolean(Number(r.stable)),
      vendor: text(r.vendor),
      product: text(r.product),
      version: text(r.version),
      deviceType: text(r.device_type),
      firstSeen: r.first_ts as Date,
      lastSeen: r.last_ts as Date,
      evidence: (identity.evidence ?? []).map((e) => ({ source: e.source, banner: e.banner, fingerprint: e.fingerprint, file: e.file, line: e.line })),
      exposures: exposures.get(r.device as string) ?? [],
    };
  });
}
