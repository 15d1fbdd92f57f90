// Exposure, written once over the driver contract: identified devices per vendor, product, device
// type or CVE, how many carry a known exploited vulnerability (KEV), and how many of those the
// census saw compromised. The compromised devices are the census's answer (its mapping of victim
// addresses to devices, over all time, warninglisted victims left out), given as a list and held
// in a work table while the questions are asked.
import { formatIp } from '../core/ip.js';
import type { Driver, Row, WorkTable } from '../store/driver.js';
import type { ExposedDevice, ExposureQuery, ExposureResult, ExposureRow, StoredEvidence } from '../store/identify.js';
import { c, type Table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import { windowsOf, type CensusSource } from '../census/count.js';

/** The devices the census counts as compromised, for one exposure question. */
const COMPROMISED: Table = { name: 'exposure_compromised', columns: [c('device', 'text', true)] };

/** A device's product as the census and exposure label it: vendor and model, or the vendor alone. */
export function productLabel(t: string): Sql {
  const vendor = sql.ident(t, 'vendor');
  const product = sql.ident(t, 'product');
  return sql`CASE WHEN ${product} IS NOT NULL THEN
      (CASE WHEN ${vendor} IS NOT NULL THEN concat(coalesce(${vendor}, ''), ' ', coalesce(${product}, '')) ELSE coalesce(${product}, '') END)
    WHEN ${vendor} IS NOT NULL THEN concat(coalesce(${vendor}, ''), ' (model unknown)') END`;
}

/**
 * The devices the census maps victims to (its window victims' `ident`: a stable identity or an
 * identified address), over all time, warninglisted victims left out.
 */
export async function compromisedDevices(store: CensusSource): Promise<string[]> {
  return windowsOf(store).read({}, async (w) => {
    const rows = await store.driver.all<{ device: string }>(
      sql`SELECT DISTINCT v.ident AS device FROM ${w.victims} v WHERE v.ident IS NOT NULL AND v.warned_by IS NULL ORDER BY device`,
    );
    return rows.map((r) => r.device);
  });
}

/** Runs `fn` with the compromised devices in a work table. */
async function withCompromised<T>(d: Driver, devices: readonly string[], fn: (work: WorkTable) => Promise<T>): Promise<T> {
  return d.withWorkTable(COMPROMISED, COMPROMISED.name, async (work) => {
    await d.load({ ...COMPROMISED, name: work.name }, devices.map((device) => ({ device })));
    return fn(work);
  });
}

/**
 * Identified devices, one row each (columns of device_identities plus `is_exposed`, `is_vconf`,
 * `is_compromised` as 1/0): exposed when it has a KEV exposure, vconf when one was matched on its
 * version, compromised when the census mapped a victim to it. (The flags are named apart from the
 * counts' aliases: ClickHouse resolves an alias before a column of the same name.)
 */
function identifiedDevices(d: Driver, comp: WorkTable, kevOnly: boolean): Sql {
  const visible = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const exposed = sql`SELECT e.device FROM exposures e WHERE ${visible('e')}`;
  return sql`
    SELECT x.device AS device, x.stable AS stable, x.vendor AS vendor, x.product AS product, x.version AS version, x.device_type AS device_type,
           x.cpe23 AS cpe23, x.identity AS identity, x.addresses AS addresses,
           CASE WHEN x.device IN (${exposed}) THEN 1 ELSE 0 END AS is_exposed,
           CASE WHEN x.device IN (SELECT e.device FROM exposures e WHERE e.level = 'version' AND ${visible('e')}) THEN 1 ELSE 0 END AS is_vconf,
           CASE WHEN x.device IN (SELECT w.device FROM ${comp.ref} w) THEN 1 ELSE 0 END AS is_compromised
    FROM device_identities x
    WHERE (x.vendor IS NOT NULL OR x.product IS NOT NULL OR x.device_type IS NOT NULL OR x.os_product IS NOT NULL) AND ${visible('x')}
      ${kevOnly ? sql`AND x.device IN (${exposed})` : sql.empty}`;
}

/**
 * Per dimension, rows (device, k, label, is_exposed, is_vconf, is_compromised) over the identified devices
 * `dv`: one per device and key (a device's CVEs are one row each, exposures folded per CVE).
 */
function keys(d: Driver, by: ExposureQuery['by'], dv: Sql): Sql {
  if (by === 'vendor') return sql`SELECT dv.device AS device, coalesce(lower(dv.vendor), 'unknown') AS k, dv.vendor AS label, dv.is_exposed AS is_exposed, dv.is_vconf AS is_vconf, dv.is_compromised AS is_compromised FROM (${dv}) dv`;
  if (by === 'product')
    return sql`SELECT dv.device AS device, coalesce(lower(${productLabel('dv')}), 'unknown') AS k, ${productLabel('dv')} AS label, dv.is_exposed AS is_exposed, dv.is_vconf AS is_vconf, dv.is_compromised AS is_compromised FROM (${dv}) dv`;
  if (by === 'device')
    return sql`SELECT dv.device AS device, coalesce(dv.device_type, 'unknown') AS k, dv.device_type AS label, dv.is_exposed AS is_exposed, dv.is_vconf AS is_vconf, dv.is_compromised AS is_compromised FROM (${dv}) dv`;
  // A device without exposures is one row with key 'none'; ClickHouse's LEFT JOIN fills '' where DuckDB has NULL.
  const perCve = sql`
    SELECT e.device AS device, e.cve_id AS cve_id, max(CASE WHEN e.level = 'version' THEN 1 ELSE 0 END) AS vconf, max(k.vulnerability_name) AS name
    FROM exposures e LEFT JOIN kev k ON k.cve_id = e.cve_id
    WHERE ${d.dialect.visibleRows(sql.ident('e'))}
    GROUP BY e.device, e.cve_id`;
  return sql`
    SELECT dv.device AS device, CASE WHEN coalesce(p.cve_id, '') = '' THEN 'none' ELSE p.cve_id END AS k, p.name AS label,
           CASE WHEN coalesce(p.cve_id, '') <> '' THEN 1 ELSE 0 END AS is_exposed, coalesce(p.vconf, 0) AS is_vconf, dv.is_compromised AS is_compromised
    FROM (${dv}) dv LEFT JOIN (${perCve}) p ON p.device = dv.device`;
}

/** Counts over rows of `keys`, unique per device and key. */
const COUNTS = sql`count(*) AS devices, sum(kx.is_exposed) AS exposed, sum(kx.is_compromised) AS compromised,
  sum(kx.is_exposed * kx.is_compromised) AS exposed_compromised, sum(kx.is_exposed * kx.is_vconf) AS vconf`;

const n = (v: unknown) => Number(v ?? 0);

function exposureRow(r: Row, by: ExposureQuery['by']): ExposureRow {
  const k = r.k as string;
  const name = (r.label as string | null) || undefined;
  const label = k === 'unknown' ? 'Unidentified' : k === 'none' ? 'No known exploited CVE' : by === 'cve' && name ? `${k} (${name})` : (name ?? k);
  return {
    key: k, label, devices: n(r.devices), exposed: n(r.exposed), compromised: n(r.compromised),
    exposedCompromised: n(r.exposed_compromised), versionConfirmed: n(r.vconf),
  };
}

/** Identified devices per dimension, most exposed first; `compromised`: the census's compromised devices. */
export async function exposure(d: Driver, q: ExposureQuery, compromised: readonly string[]): Promise<ExposureResult> {
  return withCompromised(d, compromised, async (comp) => {
    const dv = identifiedDevices(d, comp, q.kevOnly ?? false);
    const groups = await d.all(
      sql`SELECT kx.k AS k, max(kx.label) AS label, ${COUNTS} FROM (${keys(d, q.by, dv)}) kx GROUP BY kx.k ORDER BY exposed DESC, devices DESC, k`,
    );
    const top = q.top ?? groups.length;
    let others: ExposureRow | undefined;
    if (groups.length > top) {
      const rest = await d.one(
        sql`SELECT ${COUNTS} FROM (${keys(d, q.by, dv)}) kx WHERE kx.k NOT IN ${sql.list(groups.slice(0, top).map((g) => g.k as string))}`,
      );
      others = { ...exposureRow({ ...rest!, k: 'others' }, q.by), label: `Others (${groups.length - top})` };
    }
    const t = await d.one(
      sql`SELECT count(*) AS devices, sum(dv.is_exposed) AS exposed, sum(dv.is_compromised) AS compromised, sum(dv.is_exposed * dv.is_compromised) AS exposed_compromised,
                 sum(CASE WHEN dv.stable = 1 THEN 1 ELSE 0 END) AS stable_devices, sum(CASE WHEN dv.stable = 1 THEN dv.addresses ELSE 0 END) AS stable_addresses,
                 sum(dv.addresses) AS all_addresses
          FROM (${dv}) dv`,
    );
    return {
      by: q.by,
      kevOnly: q.kevOnly ?? false,
      rows: groups.slice(0, top).map((g) => exposureRow(g, q.by)),
      others,
      totals: {
        devices: n(t!.devices), exposed: n(t!.exposed), compromised: n(t!.compromised), exposedCompromised: n(t!.exposed_compromised),
        stableDevices: n(t!.stable_devices), stableAddresses: n(t!.stable_addresses), addresses: n(t!.all_addresses),
      },
    };
  });
}

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined || v === '' ? undefined : (v as T));

/**
 * Identified devices with their KEV exposures and addresses: the most exposures first, then the
 * compromised ones; only exposed ones unless `kevOnly` is false; only those exposed to `cve`.
 */
export async function exposedDevices(d: Driver, q: { kevOnly?: boolean; cve?: string; limit?: number }, compromised: readonly string[]): Promise<ExposedDevice[]> {
  return withCompromised(d, compromised, async (comp) => {
    const visible = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
    const dv = identifiedDevices(d, comp, q.kevOnly ?? true);
    const cve = q.cve === undefined ? sql.empty : sql`AND dv.device IN (SELECT e.device FROM exposures e WHERE e.cve_id = ${q.cve} AND ${visible('e')})`;
    const devices = await d.all(
      sql`SELECT dv.device AS device, dv.stable AS stable, dv.vendor AS vendor, dv.product AS product, dv.version AS version, dv.device_type AS device_type,
                 dv.cpe23 AS cpe23, dv.is_compromised AS compromised, dv.identity AS identity, coalesce(x.n, 0) AS exposures
          FROM (${dv}) dv
          LEFT JOIN (SELECT e.device AS device, count(*) AS n FROM exposures e WHERE ${visible('e')} GROUP BY e.device) x ON x.device = dv.device
          WHERE 1 = 1 ${cve}
          ORDER BY exposures DESC, compromised DESC, device LIMIT ${q.limit ?? 100}`,
    );
    const ids = devices.map((r) => r.device as string);
    const exposures = await d.all(
      sql`SELECT e.device AS device, e.cve_id AS cve_id, k.vulnerability_name AS name, e.level AS level, e.matched_on AS matched_on, e.version_note AS version_note, e.evidence AS evidence
          FROM exposures e LEFT JOIN kev k ON k.cve_id = e.cve_id
          WHERE e.device IN ${sql.list(ids)} AND ${visible('e')}
          ORDER BY e.device, e.cve_id`,
    );
    const addresses = await d.all(
      sql`SELECT a.device AS device, a.ip AS ip FROM device_addresses a WHERE a.device IN ${sql.list(ids)} AND ${visible('a')} ORDER BY a.device, a.ip`,
    );
    const byDevice = <T>(rows: Row[], of: (r: Row) => T) => {
      const m = new Map<string, T[]>();
      for (const r of rows) {
        const list = m.get(r.device as string) ?? [];
        list.push(of(r));
        m.set(r.device as string, list);
      }
      return m;
    };
    const exposuresOf = byDevice(exposures, (x) => ({
      cveID: x.cve_id as string, name: opt<string>(x.name), level: x.level as string, matchedOn: x.matched_on as string, versionNote: opt<string>(x.version_note),
      evidence: (x.evidence as string[] | null) ?? [],
    }));
    const addressesOf = byDevice(addresses, (a) => formatIp(a.ip as bigint));
    return devices.map((r) => {
      const identity = r.identity ? (JSON.parse(r.identity as string) as { evidence?: StoredEvidence[] }) : {};
      const device = r.device as string;
      return {
        device, stable: Boolean(Number(r.stable)), vendor: opt(r.vendor), product: opt(r.product), version: opt(r.version),
        deviceType: opt(r.device_type), cpe23: (r.cpe23 as string[] | null) ?? [], addresses: addressesOf.get(device) ?? [],
        compromised: Number(r.compromised) === 1,
        exposures: exposuresOf.get(device) ?? [],
        evidence: identity.evidence ?? [],
      };
    });
  });
}
