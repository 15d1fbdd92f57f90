// Everything known about one address: enrichment, whether it is an indicator or warninglisted,
// the evidence behind each sighting, and telemetry that touched an indicator but did not count
// (with the reason), so an analyst can see why a candidate did not match.
import type { EvidenceRow, Grade, HostEnrichment, LookupDevice, LookupEvidence, LookupResult, LookupService, MatchOptions, NearMiss, NearMissResult } from '../store.js';
import { ensureDerived } from './window-sql.js';
import type { Db } from './connection.js';
import { indicatorRow, type RawIndicator } from './rows.js';
import { addrKey } from '../schema.js';

/** Everything about one address: its evidence and the telemetry that did not count. */
export async function lookup(db: Db, ip: bigint, match: MatchOptions, text: string, host: HostEnrichment | undefined): Promise<LookupResult> {
  return { ...(await lookupEvidence(db, ip, text, false, host)), ...(await lookupNearMisses(db, ip, match)) };
}

/** The sightings as lookup reads them: derived_pairs_all has the same columns, folded per victim and import. */
const SIGHTINGS = 'sightings';
const FOLDED_SIGHTINGS = `(SELECT * EXCLUDE (f0, l0, t, f), f0 AS first_seen, l0 AS last_seen, t AS to_indicator, f AS from_indicator FROM derived_pairs_all)`;

/**
 * One address's enrichment, indicator and warninglist status, and the evidence behind its
 * sightings. `folded` reads derived_pairs_all when it is current (ordered by victim: a few blocks
 * instead of a scan of the sightings): the server asks for it, the CLI's single lookup does not.
 */
export async function lookupEvidence(db: Db, ip: bigint, text: string, folded: boolean, host: HostEnrichment | undefined): Promise<LookupEvidence> {
  return db.windowed(async () => {
    const fromFolded = folded && (await ensureDerived(db));
    const p = { ip: ip.toString() };
    const isIndicator = (
      await db.all<RawIndicator>(
        `SELECT *, [] AS warnings, 0 AS victims FROM indicators WHERE $ip::UHUGEINT BETWEEN lo AND hi ORDER BY id`,
        p,
      )
    ).map(indicatorRow);
    const warnings = (
      await db.all<{ list: string }>(`SELECT DISTINCT list FROM warnings WHERE kind = 'cidr' AND $ip::UHUGEINT BETWEEN lo AND hi`, p)
    ).map((r) => r.list);
    const ev = await db.all<Record<string, unknown>>(
      `SELECT i.value AS indicator, i.source, s.kind, any_value(s.detail) AS detail, min(s.first_seen) AS first_seen,
              max(s.last_seen) AS last_seen, sum(s.events) AS events, sum(s.bytes) AS bytes,
              bool_or(s.to_indicator) AS t, bool_or(s.from_indicator) AS f, bool_or(s.answered) AS answered,
              im.file, min(s.first_line) AS first_line
       FROM ${fromFolded ? FOLDED_SIGHTINGS : SIGHTINGS} s LEFT JOIN indicators i ON i.id = s.indicator_id JOIN imports im ON im.id = s.import_id
       WHERE s.victim = $ip::UHUGEINT
       GROUP BY i.value, i.source, s.kind, im.file ORDER BY first_seen`,
      p,
    );
    const evidence: EvidenceRow[] = ev.map((r) => {
      const kind = r.kind as string;
      const t = Boolean(r.t);
      const f = Boolean(r.f);
      const grade: Grade = kind !== 'flow' ? 'confirmed' : r.answered || (t && f) ? 'two-way' : 'one-way';
      return {
        indicator: (r.indicator as string | null) ?? undefined,
        indicatorSource: (r.source as string | null) ?? undefined,
        kind,
        detail: (r.detail as string | null) ?? undefined,
        firstSeen: r.first_seen as Date,
        lastSeen: r.last_seen as Date,
        events: Number(r.events),
        bytes: Number(r.bytes ?? 0),
        direction: kind !== 'flow' ? 'n/a' : (t && f) || r.answered ? 'both' : t ? 'to-indicator' : 'from-indicator',
        grade,
        file: r.file as string,
        firstLine: r.first_line === null ? undefined : Number(r.first_line),
      };
  });
  return {
    ip: text,
    host,
    isIndicator,
    warnings,
    evidence,
    owner: await ownerOf(db, ip, host?.asn),
    services: await servicesOf(db, ip),
    devices: await devicesOf(db, ip),
  };
  });
}

/**
 * The address's most specific owner, as the victim queries choose it (OWNER_CTE: a longer prefix
 * beats a shorter one, any block beats an ASN), with the ASN of its enrichment, victim or not.
 */
async function ownerOf(db: Db, ip: bigint, asn: number | undefined): Promise<string | undefined> {
  const r = await db.one<{ owner: string | null }>(
    `SELECT arg_max(owner, spec) AS owner FROM (
       SELECT owner, prefix AS spec FROM owner_keys WHERE prefix IS NOT NULL AND $ip::UHUGEINT BETWEEN lo AND hi
       UNION ALL SELECT owner, 0 FROM owner_keys WHERE asn = $asn)`,
    { ip: ip.toString(), asn: asn ?? null },
  );
  return r?.owner ?? undefined;
}

/** The services seen on the address, one row per port, transport, protocol, source and file. */
async function servicesOf(db: Db, ip: bigint): Promise<LookupService[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT s.port, s.transport, s.protocol, s.source, min(s.ts) AS f, max(s.last_ts) AS l, sum(s.events) AS events, im.file, min(s.line) AS line
     FROM services s JOIN imports im ON im.id = s.import_id WHERE s.ip = $ip::UHUGEINT
     GROUP BY ALL ORDER BY s.port NULLS LAST, s.protocol, f LIMIT 100`,
    { ip: ip.toString() },
  );
  return rows.map((r) => ({
    port: r.port === null ? undefined : Number(r.port),
    transport: (r.transport as string | null) ?? undefined,
    protocol: r.protocol as string,
    source: r.source as string,
    firstSeen: r.f as Date,
    lastSeen: r.l as Date,
    events: Number(r.events),
    file: r.file as string,
    line: Number(r.line),
  }));
}

/** The devices identified on the address, the one that held it last first, with evidence and KEV exposures. */
async function devicesOf(db: Db, ip: bigint): Promise<LookupDevice[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT d.device, d.stable, d.vendor, d.product, d.version, d.device_type, d.identity, min(da.first_seen) AS f, max(da.last_seen) AS l,
            (SELECT list({cve: e.cve_id, name: k.vulnerability_name, level: e.level, matched_on: e.matched_on} ORDER BY e.cve_id)
             FROM exposures e LEFT JOIN kev k ON k.cve_id = e.cve_id WHERE e.device = d.device) AS exposures
     FROM device_addresses da JOIN device_identities d ON d.device = da.device
     WHERE da.ip = $ip::UHUGEINT GROUP BY ALL ORDER BY l DESC, d.device LIMIT 20`,
    { ip: ip.toString() },
  );
  return rows.map((r) => {
    const identity = r.identity ? (JSON.parse(r.identity as string) as { evidence?: LookupDevice['evidence'] }) : {};
    const exposures = (r.exposures as { cve: string; name: string | null; level: string; matched_on: string }[] | null) ?? [];
    return {
      device: r.device as string,
      stable: Boolean(r.stable),
      vendor: (r.vendor as string | null) ?? undefined,
      product: (r.product as string | null) ?? undefined,
      version: (r.version as string | null) ?? undefined,
      deviceType: (r.device_type as string | null) ?? undefined,
      firstSeen: r.f as Date,
      lastSeen: r.l as Date,
      evidence: (identity.evidence ?? []).map((e) => ({ source: e.source, banner: e.banner, fingerprint: e.fingerprint, file: e.file, line: e.line })),
      exposures: exposures.map((x) => ({ cveID: x.cve, name: x.name ?? undefined, level: x.level, matchedOn: x.matched_on })),
    };
  });
}

/**
 * Telemetry that touched an indicator but did not count (with the reason), and how many telemetry
 * rows touch the address at all. This reads the raw telemetry, so it costs a scan of the flows.
 */
export async function lookupNearMisses(db: Db, ip: bigint, match: MatchOptions): Promise<NearMissResult> {
  return db.windowed(async () => {
    const p = { ip: ip.toString() };
    // The address's flows, read once (the scan is the cost): near misses and the count use them.
    // Each side filters on its narrow key first (flows.src_key), one side at a time: an OR of the
    // two would scan both 16-byte columns.
    const cols = 'ts, line, import_id, src, dst, sport, dport';
    await db.run(
      `CREATE OR REPLACE TEMP TABLE lookup_flows AS
       SELECT ${cols} FROM flows WHERE src_key = $k::UINTEGER AND src = $ip::UHUGEINT
       UNION ALL
       SELECT ${cols} FROM flows WHERE dst_key = $k::UINTEGER AND dst = $ip::UHUGEINT AND src <> $ip::UHUGEINT`,
      { ...p, k: addrKey(ip) },
    );
    const near = await db.all<Record<string, unknown>>(
      `WITH cand AS (
         SELECT i.value, i.lo, i.hi, i.port, i.domain, i.first_seen, i.last_seen, i.for_detection, t.ts, t.line, t.import_id, t.far_port, 'flow' AS kind
         -- The far end first, then one range condition: a join on an OR of two ranges took 3-5x longer.
         FROM (SELECT *, CASE WHEN src = $ip::UHUGEINT THEN dst ELSE src END AS far, CASE WHEN src = $ip::UHUGEINT THEN dport ELSE sport END AS far_port
               FROM lookup_flows) t
         JOIN indicators i ON t.far BETWEEN i.lo AND i.hi AND i.type IN ('ip', 'cidr', 'ip-port')
         UNION ALL
         SELECT i.value, i.lo, i.hi, i.port, i.domain, i.first_seen, i.last_seen, i.for_detection, t.ts, t.line, t.import_id, NULL, 'dns'
         FROM dns t JOIN indicators i ON i.domain IS NOT NULL AND list_contains(domain_suffixes(t.query), i.domain)
         WHERE t.client = $ip::UHUGEINT)
       SELECT c.value, c.kind, c.ts, c.line, im.file,
         CASE
           WHEN $ip::UHUGEINT BETWEEN c.lo AND c.hi THEN 'the address is itself this indicator'
           WHEN EXISTS (SELECT 1 FROM indicators x WHERE x.type IN ('ip', 'cidr', 'ip-port') AND $ip::UHUGEINT BETWEEN x.lo AND x.hi)
             THEN 'the address is itself an indicator'
           WHEN NOT c.for_detection THEN 'the indicator is marked not for detection'
           WHEN EXISTS (SELECT 1 FROM warnings w WHERE w.kind = 'cidr' AND c.lo >= w.lo AND c.hi <= w.hi)
             OR EXISTS (SELECT 1 FROM warnings w WHERE w.kind = 'domain' AND list_contains(domain_suffixes(c.domain), w.domain))
             THEN 'the indicator is on a warninglist'
           WHEN c.port IS NOT NULL AND c.far_port IS DISTINCT FROM c.port THEN 'port ' || coalesce(c.far_port::VARCHAR, 'none') || ' is not the indicator''s port ' || c.port
           WHEN c.first_seen IS NOT NULL AND c.ts < c.first_seen - to_milliseconds($grace)
             THEN 'seen ' || strftime(c.ts, '%Y-%m-%d %H:%M') || ' UTC, before the indicator''s window opens ' || strftime(c.first_seen, '%Y-%m-%d') || ' (grace included)'
           WHEN c.last_seen IS NOT NULL AND c.ts > c.last_seen + to_milliseconds($grace)
             THEN 'seen ' || strftime(c.ts, '%Y-%m-%d %H:%M') || ' UTC, after the indicator''s window closed ' || strftime(c.last_seen, '%Y-%m-%d') || ' (grace included)'
         END AS reason
       FROM cand c JOIN imports im ON im.id = c.import_id
       WHERE reason IS NOT NULL ORDER BY c.ts LIMIT 50`,
      { ...p, grace: match.graceMs },
    );
    const nearMisses: NearMiss[] = near.map((r) => ({
      indicator: r.value as string,
      kind: r.kind as string,
      ts: r.ts as Date,
      file: r.file as string,
      line: Number(r.line),
      reason: r.reason as string,
    }));
    const tr = await db.one<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM lookup_flows)
            + (SELECT count(*) FROM dns WHERE client = $ip::UHUGEINT)
            + (SELECT count(*) FROM http WHERE client = $ip::UHUGEINT OR server = $ip::UHUGEINT)
            + (SELECT count(*) FROM tls WHERE client = $ip::UHUGEINT OR server = $ip::UHUGEINT)
            + (SELECT count(*) FROM alerts WHERE src = $ip::UHUGEINT OR dst = $ip::UHUGEINT)
            + (SELECT count(*) FROM reports WHERE ip = $ip::UHUGEINT) AS n`,
      p,
    );
    return { nearMisses, telemetryRows: Number(tr!.n) };
  });
}
