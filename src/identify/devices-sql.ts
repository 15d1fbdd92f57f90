// The devices of an identification run in the store, written once over the driver contract:
// devices, the addresses each held, shared keys and KEV exposures, each run replacing the last.
import type { Identity, SharedKey } from '../core/model/identify.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { DeviceRecord, ExposureRecord, IdentifySummary } from './store-types.js';
import { readMeta, writeMeta } from '../store/meta.js';

/** JSON text with bigints as decimal strings (identities carry none once addresses are split off). */
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** What makes a device identified rather than only an address with services. */
const IDENTIFIED = sql`(d.vendor IS NOT NULL OR d.product IS NOT NULL OR d.device_type IS NOT NULL OR d.os_product IS NOT NULL)`;

export async function replaceExposures(d: Driver, rows: ExposureRecord[]): Promise<void> {
  await d.run(sql`DELETE FROM exposures`);
  await d.load(
    table('exposures'),
    rows.map(({ device, match: m }) => ({
      device, cve_id: m.cveID, level: m.level, matched_on: m.matchedOn, component: m.component, version_check: m.versionCheck,
      version_note: m.versionNote, evidence: m.evidence,
    })),
  );
}

async function saveDevices(d: Driver, devices: DeviceRecord[]): Promise<void> {
  // A new map of addresses to devices changes who the victims are: part of the data version.
  await writeMeta(d, 'devices_version', String(Number((await readMeta(d, 'devices_version')) ?? 0) + 1));
  await d.run(sql`DELETE FROM device_identities`);
  await d.run(sql`DELETE FROM device_addresses`);
  await d.load(
    table('device_identities'),
    devices.map((x) => {
      const id = x.identity;
      const { ips: _ips, ...identity } = id;
      return {
        device: x.device, stable: x.stable, vendor: id.vendor, product: id.product, version: id.version, hw_version: id.hwVersion,
        device_type: id.deviceType, device_label: id.deviceLabel, os_vendor: id.os?.vendor, os_product: id.os?.product, os_version: id.os?.version,
        cpe23: id.cpe23, certainty: id.certainty, keys: x.keys, addresses: x.addresses.length, services: id.services,
        first_seen: id.firstSeen, last_seen: id.lastSeen, identity: json(identity),
      };
    }),
  );
  await d.load(
    table('device_addresses'),
    devices.flatMap((x) => x.addresses.map((a) => ({ device: x.device, ip: a.ip, first_seen: a.firstSeen, last_seen: a.lastSeen, stable: x.stable }))),
  );
}

/** Replaces devices, their addresses, shared keys and exposures, all at once. */
export function saveIdentification(d: Driver, devices: DeviceRecord[], shared: SharedKey[], exposures: ExposureRecord[]): Promise<void> {
  return d.atomically(async () => {
    await saveDevices(d, devices);
    await d.run(sql`DELETE FROM shared_keys`);
    await d.load(
      table('shared_keys'),
      shared.map((s) => ({ key: s.key, kind: s.kind, ips: s.ips, max_simultaneous: s.maxSimultaneousIps })),
    );
    await replaceExposures(d, exposures);
  });
}

/** The stored identities, for matching them against a new KEV catalog. */
export async function identities(d: Driver): Promise<{ device: string; identity: Identity }[]> {
  const rows = await d.all<{ device: string; identity: string }>(sql`SELECT device, identity FROM device_identities ORDER BY device`);
  return rows.map((r) => ({ device: r.device, identity: JSON.parse(r.identity) as Identity }));
}

export async function identifySummary(d: Driver): Promise<IdentifySummary> {
  const count = async (q: ReturnType<typeof sql>) => Number((await d.one<{ n: bigint | number | null }>(q))?.n ?? 0);
  const r = await d.one<Record<string, bigint | number | null>>(
    sql`SELECT count(*) AS devices,
               sum(CASE WHEN ${IDENTIFIED} THEN 1 ELSE 0 END) AS identified,
               sum(CASE WHEN d.stable THEN 1 ELSE 0 END) AS stable_devices,
               sum(CASE WHEN d.stable THEN d.addresses ELSE 0 END) AS stable_addresses,
               sum(CASE WHEN d.stable THEN d.addresses - 1 ELSE 0 END) AS collapsed
        FROM device_identities d`,
  );
  const types = await d.all<{ t: string; n: bigint | number }>(
    sql`SELECT coalesce(d.device_type, 'unknown') AS t, count(*) AS n FROM device_identities d WHERE ${IDENTIFIED}
        GROUP BY coalesce(d.device_type, 'unknown') ORDER BY n DESC, t`,
  );
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    services: await count(sql`SELECT count(*) AS n FROM services`),
    devices: n('devices'),
    identified: n('identified'),
    stableDevices: n('stable_devices'),
    stableAddresses: n('stable_addresses'),
    addressesCollapsed: n('collapsed'),
    sharedKeys: await count(sql`SELECT count(*) AS n FROM shared_keys`),
    exposures: await count(sql`SELECT count(*) AS n FROM exposures`),
    exposedDevices: await count(sql`SELECT count(DISTINCT device) AS n FROM exposures`),
    byType: types.map((x) => ({ type: x.t, devices: Number(x.n) })),
  };
}
