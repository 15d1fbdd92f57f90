// Exposure: identified devices per vendor, product, device type or CVE, how many carry a known
// exploited vulnerability, and how many of those the census saw compromised. "Compromised" uses the
// census's own mapping of victim addresses to devices (VICTIM_CTES), over all time.
import { formatIp } from '../../core/ip.js';
import type { ExposedDevice, ExposureQuery, ExposureResult, ExposureRow, StoredEvidence } from '../identify.js';
import type { Db } from './connection.js';
import { PRODUCT } from './victim-sql.js';
import { loadConstituency, VICTIM_CTES, victimParams } from './victim-sql.js';

const IDENTIFIED = `(d.vendor IS NOT NULL OR d.product IS NOT NULL OR d.device_type IS NOT NULL OR d.os_product IS NOT NULL)`;

/** Devices the census counts as compromised, and per device whether it is exposed. */
const DEVICE_CTES = `${VICTIM_CTES},
  comp AS (SELECT DISTINCT ident AS device FROM v WHERE ident IS NOT NULL AND warned_by IS NULL),
  ex AS (SELECT device, bool_or(level = 'version') AS vconf FROM exposures GROUP BY device),
  dv AS (
    SELECT d.*, ex.device IS NOT NULL AS exposed, coalesce(ex.vconf, false) AS vconf, comp.device IS NOT NULL AS compromised
    FROM device_identities d LEFT JOIN ex USING (device) LEFT JOIN comp USING (device)
    WHERE ${IDENTIFIED} AND (NOT $kev_only OR ex.device IS NOT NULL))`;

/** Per dimension: `keys(device, k, label, exposed, vconf, compromised)` over `dv`. */
const KEYS: Record<ExposureQuery['by'], string> = {
  vendor: `SELECT device, coalesce(lower(vendor), 'unknown') AS k, vendor AS label, exposed, vconf, compromised FROM dv`,
  product: `SELECT device, coalesce(lower(${PRODUCT('dv')}), 'unknown') AS k, ${PRODUCT('dv')} AS label, exposed, vconf, compromised FROM dv`,
  device: `SELECT device, coalesce(device_type, 'unknown') AS k, NULL AS label, exposed, vconf, compromised FROM dv`,
  cve: `SELECT dv.device, coalesce(e.cve_id, 'none') AS k, kev.vulnerability_name AS label, e.cve_id IS NOT NULL AS exposed,
          coalesce(e.level = 'version', false) AS vconf, dv.compromised
        FROM dv LEFT JOIN exposures e USING (device) LEFT JOIN kev ON kev.cve_id = e.cve_id`,
};

type RawRow = { k: string; label: string | null; devices: bigint; exposed: bigint; compromised: bigint; exposed_compromised: bigint; vconf: bigint };

function row(r: RawRow, by: ExposureQuery['by']): ExposureRow {
  const label =
    r.k === 'unknown' ? 'Unidentified' : r.k === 'none' ? 'No known exploited CVE' : by === 'cve' && r.label ? `${r.k} (${r.label})` : (r.label ?? r.k);
  return {
    key: r.k, label, devices: Number(r.devices), exposed: Number(r.exposed), compromised: Number(r.compromised),
    exposedCompromised: Number(r.exposed_compromised), versionConfirmed: Number(r.vconf),
  };
}

const COUNTS = `count(DISTINCT device) AS devices, count(DISTINCT device) FILTER (exposed) AS exposed,
  count(DISTINCT device) FILTER (compromised) AS compromised, count(DISTINCT device) FILTER (exposed AND compromised) AS exposed_compromised,
  count(DISTINCT device) FILTER (vconf) AS vconf`;

export async function exposure(db: Db, q: ExposureQuery): Promise<ExposureResult> {
  return db.exclusive(async () => {
    await loadConstituency(db, undefined);
    const params = { ...victimParams({}), kev_only: q.kevOnly ?? false };
    const groups = await db.all<RawRow>(
      `WITH ${DEVICE_CTES}, keys AS (${KEYS[q.by]})
       SELECT k, any_value(label) AS label, ${COUNTS} FROM keys GROUP BY k ORDER BY exposed DESC, devices DESC, k`,
      params,
    );
    const top = q.top ?? groups.length;
    let others: ExposureRow | undefined;
    if (groups.length > top) {
      const rest = await db.one<RawRow>(
        `WITH ${DEVICE_CTES}, keys AS (${KEYS[q.by]})
         SELECT 'others' AS k, NULL AS label, ${COUNTS} FROM keys WHERE NOT list_contains(from_json($top_keys, '["VARCHAR"]'), k)`,
        { ...params, top_keys: JSON.stringify(groups.slice(0, top).map((g) => g.k)) },
      );
      others = { ...row(rest!, q.by), label: `Others (${groups.length - top})` };
    }
    const t = await db.one<Record<string, bigint>>(
      `WITH ${DEVICE_CTES}
       SELECT count(*) AS devices, count(*) FILTER (exposed) AS exposed, count(*) FILTER (compromised) AS compromised,
              count(*) FILTER (exposed AND compromised) AS exposed_compromised, count(*) FILTER (stable) AS stable_devices,
              coalesce(sum(addresses) FILTER (stable), 0) AS stable_addresses, coalesce(sum(addresses), 0) AS addresses FROM dv`,
      params,
    );
    return {
      by: q.by,
      kevOnly: q.kevOnly ?? false,
      rows: groups.slice(0, top).map((g) => row(g, q.by)),
      others,
      totals: {
        devices: Number(t!.devices), exposed: Number(t!.exposed), compromised: Number(t!.compromised), exposedCompromised: Number(t!.exposed_compromised),
        stableDevices: Number(t!.stable_devices), stableAddresses: Number(t!.stable_addresses), addresses: Number(t!.addresses),
      },
    };
  });
}

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

export async function exposedDevices(db: Db, q: { kevOnly?: boolean; cve?: string; limit?: number }): Promise<ExposedDevice[]> {
  return db.exclusive(async () => {
    await loadConstituency(db, undefined);
    const rows = await db.all<Record<string, unknown>>(
      `WITH ${DEVICE_CTES},
       e AS (
         SELECT e.device, list({cve: e.cve_id, name: kev.vulnerability_name, level: e.level, matched_on: e.matched_on, note: e.version_note, evidence: e.evidence}
                          ORDER BY e.cve_id) AS exposures
         FROM exposures e LEFT JOIN kev ON kev.cve_id = e.cve_id GROUP BY e.device),
       a AS (SELECT device, list(ip ORDER BY ip) AS ips FROM device_addresses GROUP BY device)
       SELECT dv.device, dv.stable, dv.vendor, dv.product, dv.version, dv.device_type, dv.cpe23, dv.compromised, dv.identity, e.exposures, a.ips
       FROM dv LEFT JOIN e USING (device) LEFT JOIN a USING (device)
       WHERE $cve IS NULL OR list_contains(list_transform(e.exposures, x -> x.cve), $cve)
       ORDER BY len(coalesce(e.exposures, [])) DESC, dv.compromised DESC, dv.device LIMIT $limit`,
      { ...victimParams({}), kev_only: q.kevOnly ?? true, cve: q.cve ?? null, limit: q.limit ?? 100 },
    );
    return rows.map((r) => {
      const identity = r.identity ? (JSON.parse(r.identity as string) as { evidence?: StoredEvidence[] }) : {};
      const exposures = (r.exposures as Record<string, unknown>[] | null) ?? [];
      return {
        device: r.device as string, stable: Boolean(r.stable), vendor: opt(r.vendor), product: opt(r.product), version: opt(r.version),
        deviceType: opt(r.device_type), cpe23: (r.cpe23 as string[] | null) ?? [], addresses: ((r.ips as bigint[] | null) ?? []).map(formatIp),
        compromised: Boolean(r.compromised),
        exposures: exposures.map((x) => ({
          cveID: x.cve as string, name: opt(x.name), level: x.level as string, matchedOn: x.matched_on as string, versionNote: opt(x.note),
          evidence: (x.evidence as string[] | null) ?? [],
        })),
        evidence: identity.evidence ?? [],
      };
    });
  });
}
