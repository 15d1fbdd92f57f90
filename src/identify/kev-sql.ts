// The KEV catalog in the store, written once over the driver contract: replaced whole by each
// import (a catalog version supersedes the last), with its version and release date kept in `meta`.
import type { KevCatalog, KevEntry } from '../core/model/kev.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { ImportMeta, Store } from '../store/store.js';
import { readMeta, writeMeta } from '../store/meta.js';

export interface KevInfo {
  entries: number;
  catalogVersion?: string;
  dateReleased?: string;
  file?: string;
  importedAt?: Date;
}

const text = (v: unknown): string => (v as string | null) ?? '';

export function importKev(store: Pick<Store, 'driver' | 'beginImport'>, meta: ImportMeta, catalog: KevCatalog): Promise<{ importId: number }> {
  const d = store.driver;
  return d.atomically(async () => {
    const rejected = catalog.rejected.length;
    const importId = await store.beginImport(meta, {
      lines: catalog.entries.length + rejected,
      records: catalog.entries.length,
      rejected,
      examples: catalog.rejected.slice(0, 10).map((r) => ({ line: r.at, field: r.field, reason: r.reason, raw: '' })),
    });
    await d.run(sql`DELETE FROM kev`);
    const seen = new Set<string>();
    // The catalog lists each CVE once; a repeat would break the key.
    const entries = catalog.entries.filter((e) => !seen.has(e.cveID) && seen.add(e.cveID));
    await d.load(
      table('kev'),
      entries.map((e) => ({
        cve_id: e.cveID, import_id: importId, vendor_project: e.vendorProject, product: e.product, vulnerability_name: e.vulnerabilityName,
        date_added: e.dateAdded, short_description: e.shortDescription, required_action: e.requiredAction, due_date: e.dueDate,
        known_ransomware: e.knownRansomwareCampaignUse, notes: e.notes, cwes: e.cwes,
      })),
    );
    await writeMeta(d, 'kev_catalog_version', catalog.catalogVersion ?? null);
    await writeMeta(d, 'kev_date_released', catalog.dateReleased ?? null);
    return { importId };
  });
}

export async function kevEntries(d: Driver): Promise<KevEntry[]> {
  const rows = await d.all(sql`SELECT * FROM kev ORDER BY cve_id`);
  return rows.map((r) => ({
    cveID: r.cve_id as string,
    vendorProject: r.vendor_project as string,
    product: r.product as string,
    vulnerabilityName: text(r.vulnerability_name),
    dateAdded: text(r.date_added),
    shortDescription: text(r.short_description),
    requiredAction: text(r.required_action),
    dueDate: text(r.due_date),
    knownRansomwareCampaignUse: text(r.known_ransomware),
    notes: text(r.notes),
    cwes: (r.cwes as string[] | null) ?? [],
  }));
}

export async function kevInfo(d: Driver): Promise<KevInfo | undefined> {
  const r = await d.one<{ n: bigint | number; import_id: number | null }>(sql`SELECT count(*) AS n, max(import_id) AS import_id FROM kev`);
  if (!r || r.import_id === null || Number(r.n) === 0) return undefined;
  const imp = await d.one<{ file: string; imported_at: Date }>(sql`SELECT file, imported_at FROM imports WHERE id = ${Number(r.import_id)}`);
  return {
    entries: Number(r.n),
    catalogVersion: await readMeta(d, 'kev_catalog_version'),
    dateReleased: await readMeta(d, 'kev_date_released'),
    file: imp?.file,
    importedAt: imp?.imported_at,
  };
}
