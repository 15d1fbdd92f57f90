// Services in the store, written once over the driver contract: a scan file's observations, and
// the services derived from a telemetry import's passive rows (HTTP, TLS, reports).
import type { Driver, Row } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { ImportMeta, LineCounts, Store } from '../store/store.js';
import { eachPassiveBatch } from './passive-sql.js';
import type { PassiveRecord, ScanFeed, ServiceInput, StoredService } from './store-types.js';
import { opt } from '../store/row-values.js';

/** Passive rows read at a time when deriving services. */
const PASSIVE_BATCH = 20_000;

const ms = (d: unknown) => (d as Date).getTime();

function serviceRow(o: ServiceInput, importId: number): Record<string, unknown> {
  return {
    import_id: importId, line: o.line ?? 0, ts: o.ts, last_ts: o.lastTs ?? o.ts, events: o.events ?? 1, ip: o.ip, port: o.port,
    transport: o.transport, protocol: o.protocol, source: o.source, banners: o.banners, cert_sha256: o.certSha256,
    ssh_host_key: o.sshHostKeySha256, device_id: o.deviceIdHint, hints: o.hints,
  };
}

function storedService(r: Row): StoredService {
  return {
    importId: Number(r.import_id), file: r.file as string, line: Number(r.line), ts: ms(r.ts), lastTs: ms(r.last_ts), events: Number(r.events),
    ip: r.ip as bigint, port: opt<number>(r.port), transport: opt(r.transport), protocol: r.protocol as string, source: r.source as string,
    banners: r.banners ? JSON.parse(r.banners as string) : {}, certSha256: opt(r.cert_sha256), sshHostKeySha256: opt(r.ssh_host_key),
    deviceIdHint: opt(r.device_id), hints: r.hints ? JSON.parse(r.hints as string) : undefined,
  };
}

/** Imports a scan file's observations as services, all at once or not at all (like a telemetry import). */
export function importScan(
  store: Pick<Store, 'driver' | 'beginImport' | 'finishImport'>,
  meta: ImportMeta,
  feed: ScanFeed,
  check: (c: LineCounts) => void,
): Promise<{ importId: number; counts: LineCounts; services: number }> {
  const d = store.driver;
  return d.atomically(async () => {
    const importId = await store.beginImport(meta);
    let services = 0;
    let minTs = Infinity;
    let maxTs = -Infinity;
    const counts = await feed(async (batch) => {
      services += await d.load(table('services'), batch.map((o) => serviceRow(o, importId)));
      for (const o of batch) {
        if (o.ts < minTs) minTs = o.ts;
        if (o.ts > maxTs) maxTs = o.ts;
      }
    });
    check(counts);
    await store.finishImport(importId, counts, { min: minTs, max: maxTs });
    return { importId, counts, services };
  });
}

/** Telemetry imports whose passive rows have not been turned into services yet. */
export async function pendingPassiveImports(d: Driver): Promise<number[]> {
  const rows = await d.all<{ id: number }>(
    sql`SELECT DISTINCT import_id AS id FROM (
          SELECT import_id FROM http WHERE server_header IS NOT NULL OR user_agent IS NOT NULL
          UNION ALL SELECT import_id FROM tls UNION ALL SELECT import_id FROM reports) p
        WHERE import_id NOT IN (SELECT import_id FROM identify_imports) ORDER BY id`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Turns one telemetry import's passive rows (the HTTP, TLS and report rows that can describe a
 * device, folded per host/content/hour) into services with `convert`, replacing earlier ones, and
 * marks the import done, all at once. The rows reach `convert` in batches, so memory does not
 * grow with the import. Returns the number of services.
 */
export function derivePassiveServices(
  d: Driver,
  importId: number,
  convert: (format: string, records: PassiveRecord[]) => ServiceInput[],
  /** Report rows with no device_* column and none of these `extra` keys are not handed to `convert`. */
  reportExtraKeys?: string[],
): Promise<number> {
  return d.atomically(async () => {
    await d.run(sql`DELETE FROM services WHERE import_id = ${importId}`);
    let n = 0;
    await eachPassiveBatch(d, importId, PASSIVE_BATCH, reportExtraKeys, async (format, records) => {
      n += await d.load(table('services'), convert(format, records).map((o) => serviceRow(o, importId)));
    });
    await d.run(d.dialect.replaceInto('identify_imports', ['import_id', 'services'], sql`VALUES (${importId}, ${n})`));
    return n;
  });
}

export async function services(d: Driver): Promise<StoredService[]> {
  const rows = await d.all(sql`SELECT s.*, i.file FROM services s JOIN imports i ON i.id = s.import_id ORDER BY s.ip, s.ts, s.import_id, s.line`);
  return rows.map(storedService);
}
