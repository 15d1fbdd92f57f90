// DuckDB implementation of the identify store contract: services in (scan imports and passive
// rows), devices and exposures replaced by each identification run, the KEV catalog.
import { table } from '../schema.js';
import type { DeviceRecord, ExposureRecord, IdentifyStore, ServiceInput, StoredService } from '../identify.js';
import { TableAppender } from './appender.js';
import type { Db } from './connection.js';
import { msDate, recordImportCounts } from './import-counts-sql.js';
import { exposedDevices, exposure, identifySummary } from './exposure-sql.js';
import { insertImport } from './import-row-sql.js';
import { importKev, kevEntries, kevInfo } from './kev-sql.js';
import { eachPassiveBatch } from './passive-sql.js';

/** Passive rows read at a time when deriving services (see passive-sql.ts). */
const PASSIVE_BATCH = 20_000;

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
const ms = (d: unknown) => (d as Date).getTime();
/** JSON text with bigints as decimal strings (identities carry none once addresses are split off). */
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

function serviceRow(o: ServiceInput, importId: number): Record<string, unknown> {
  return {
    import_id: importId, line: o.line ?? 0, ts: o.ts, last_ts: o.lastTs ?? o.ts, events: o.events ?? 1, ip: o.ip, port: o.port,
    transport: o.transport, protocol: o.protocol, source: o.source, banners: o.banners, cert_sha256: o.certSha256,
    ssh_host_key: o.sshHostKeySha256, device_id: o.deviceIdHint, hints: o.hints,
  };
}

async function appendServices(db: Db, importId: number, services: ServiceInput[], into?: TableAppender): Promise<void> {
  const a = into ?? (await TableAppender.open(db, table('services')));
  for (const o of services) a.row(serviceRow(o, importId));
  if (!into) {
    a.flush();
    a.close();
  }
}

function storedService(r: Record<string, unknown>): StoredService {
  return {
    importId: Number(r.import_id), file: r.file as string, line: Number(r.line), ts: ms(r.ts), lastTs: ms(r.last_ts), events: Number(r.events),
    ip: r.ip as bigint, port: opt<number>(r.port), transport: opt(r.transport), protocol: r.protocol as string, source: r.source as string,
    banners: r.banners ? JSON.parse(r.banners as string) : {}, certSha256: opt(r.cert_sha256), sshHostKeySha256: opt(r.ssh_host_key),
    deviceIdHint: opt(r.device_id), hints: r.hints ? JSON.parse(r.hints as string) : undefined,
  };
}

async function replaceExposures(db: Db, rows: ExposureRecord[]): Promise<void> {
  await db.run(`DELETE FROM exposures`);
  const a = await TableAppender.open(db, table('exposures'));
  for (const { device, match: m } of rows) {
    a.row({
      device, cve_id: m.cveID, level: m.level, matched_on: m.matchedOn, component: m.component, version_check: m.versionCheck,
      version_note: m.versionNote, evidence: m.evidence,
    });
  }
  a.flush();
  a.close();
}

async function saveDevices(db: Db, devices: DeviceRecord[]): Promise<void> {
  // A new map of addresses to devices changes who the victims are: part of the data version.
  await db.run(
    `INSERT OR REPLACE INTO meta VALUES ('devices_version', (coalesce((SELECT value FROM meta WHERE key = 'devices_version')::BIGINT, 0) + 1)::VARCHAR)`,
  );
  await db.run(`DELETE FROM device_identities`);
  await db.run(`DELETE FROM device_addresses`);
  const d = await TableAppender.open(db, table('device_identities'));
  const da = await TableAppender.open(db, table('device_addresses'));
  for (const x of devices) {
    const id = x.identity;
    const { ips: _ips, ...identity } = id;
    d.row({
      device: x.device, stable: x.stable, vendor: id.vendor, product: id.product, version: id.version, hw_version: id.hwVersion,
      device_type: id.deviceType, device_label: id.deviceLabel, os_vendor: id.os?.vendor, os_product: id.os?.product, os_version: id.os?.version,
      cpe23: id.cpe23, certainty: id.certainty, keys: x.keys, addresses: x.addresses.length, services: id.services,
      first_seen: id.firstSeen, last_seen: id.lastSeen, identity: json(identity),
    });
    for (const a of x.addresses) da.row({ device: x.device, ip: a.ip, first_seen: a.firstSeen, last_seen: a.lastSeen, stable: x.stable });
  }
  for (const a of [d, da]) {
    a.flush();
    a.close();
  }
}

export function createIdentifyStore(db: Db): IdentifyStore {
  return {
    importScan(meta, feed, check) {
      return db.transaction(async () => {
        const importId = await insertImport(db, meta);
        const a = await TableAppender.open(db, table('services'));
        let services = 0;
        let minTs = Infinity;
        let maxTs = -Infinity;
        const counts = await feed(async (batch) => {
          await appendServices(db, importId, batch, a);
          services += batch.length;
          for (const o of batch) {
            if (o.ts < minTs) minTs = o.ts;
            if (o.ts > maxTs) maxTs = o.ts;
          }
        });
        a.flush();
        a.close();
        check(counts);
        await recordImportCounts(db, importId, counts, msDate(minTs), msDate(maxTs));
        return { importId, counts, services };
      });
    },

    async pendingPassiveImports() {
      const rows = await db.all<{ id: number }>(
        `SELECT DISTINCT import_id AS id FROM (
           SELECT import_id FROM http WHERE server_header IS NOT NULL OR user_agent IS NOT NULL
           UNION ALL SELECT import_id FROM tls UNION ALL SELECT import_id FROM reports)
         WHERE import_id NOT IN (SELECT import_id FROM identify_imports) ORDER BY id`,
      );
      return rows.map((r) => Number(r.id));
    },

    derivePassiveServices(importId, convert, reportExtraKeys) {
      return db.transaction(async () => {
        await db.run(`DELETE FROM services WHERE import_id = $1`, [importId]);
        let n = 0;
        await eachPassiveBatch(db, importId, PASSIVE_BATCH, reportExtraKeys, async (format, records) => {
          const services = convert(format, records);
          await appendServices(db, importId, services);
          n += services.length;
        });
        await db.run(`INSERT OR REPLACE INTO identify_imports VALUES ($1, $2)`, [importId, n]);
        return n;
      });
    },

    async services() {
      const rows = await db.all(`SELECT s.*, i.file FROM services s JOIN imports i ON i.id = s.import_id ORDER BY s.ip, s.ts, s.import_id, s.line`);
      return rows.map(storedService);
    },

    saveIdentification(devices, shared, exposures) {
      return db.transaction(async () => {
        await saveDevices(db, devices);
        await db.run(`DELETE FROM shared_keys`);
        const a = await TableAppender.open(db, table('shared_keys'));
        for (const s of shared) a.row({ key: s.key, kind: s.kind, ips: s.ips, max_simultaneous: s.maxSimultaneousIps });
        a.flush();
        a.close();
        await replaceExposures(db, exposures);
      });
    },

    async identities() {
      const rows = await db.all<{ device: string; identity: string }>(`SELECT device, identity FROM device_identities ORDER BY device`);
      return rows.map((r) => ({ device: r.device, identity: JSON.parse(r.identity) }));
    },

    replaceExposures: (rows) => db.transaction(() => replaceExposures(db, rows)),
    importKev: (meta, catalog) => importKev(db, meta, catalog),
    kevEntries: () => kevEntries(db),
    kevInfo: () => kevInfo(db),
    exposure: (q) => exposure(db, q),
    exposedDevices: (q) => exposedDevices(db, q),
    summary: () => identifySummary(db),

    async fingerprintDirs() {
      const r = await db.one<{ value: string | null }>(`SELECT value FROM meta WHERE key = 'identify_fingerprints'`);
      return r?.value ? (JSON.parse(r.value) as string[]) : [];
    },

    async setFingerprintDirs(dirs) {
      await db.run(`INSERT OR REPLACE INTO meta VALUES ('identify_fingerprints', $1)`, [JSON.stringify(dirs)]);
    },
  };
}
