// The KEV catalog in the store: replaced whole by each import (a catalog version supersedes the
// last), with its version and release date kept in `meta`.
import type { KevCatalog, KevEntry } from '../../core/model/kev.js';
import { table } from '../schema.js';
import type { KevInfo } from '../identify.js';
import type { ImportMeta } from '../store.js';
import { TableAppender } from './appender.js';
import type { Db } from './connection.js';
import { insertImport } from './import-row-sql.js';

export function importKev(db: Db, meta: ImportMeta, catalog: KevCatalog): Promise<{ importId: number }> {
  return db.transaction(async () => {
    const rejected = catalog.rejected.length;
    const importId = await insertImport(db, meta, {
      lines: catalog.entries.length + rejected,
      records: catalog.entries.length,
      rejected,
      examples: catalog.rejected.slice(0, 10).map((r) => ({ line: r.at, field: r.field, reason: r.reason, raw: '' })),
    });
    await db.run(`DELETE FROM kev`);
    const a = await TableAppender.open(db, table('kev'));
    const seen = new Set<string>();
    for (const e of catalog.entries) {
      if (seen.has(e.cveID)) continue; // the catalog lists each CVE once; a repeat would break the key
      seen.add(e.cveID);
      a.row({
        cve_id: e.cveID, import_id: importId, vendor_project: e.vendorProject, product: e.product, vulnerability_name: e.vulnerabilityName,
        date_added: e.dateAdded, short_description: e.shortDescription, required_action: e.requiredAction, due_date: e.dueDate,
        known_ransomware: e.knownRansomwareCampaignUse, notes: e.notes, cwes: e.cwes,
      });
    }
    a.flush();
    a.close();
    for (const [key, value] of [['kev_catalog_version', catalog.catalogVersion], ['kev_date_released', catalog.dateReleased]] as const)
      await db.run(`INSERT OR REPLACE INTO meta VALUES ($1, $2)`, [key, value ?? null]);
    return { importId };
  });
}

export async function kevEntries(db: Db): Promise<KevEntry[]> {
  const rows = await db.all<Record<string, unknown>>(`SELECT * FROM kev ORDER BY cve_id`);
  return rows.map((r) => ({
    cveID: r.cve_id as string,
    vendorProject: r.vendor_project as string,
    product: r.product as string,
    vulnerabilityName: (r.vulnerability_name as string | null) ?? '',
    dateAdded: (r.date_added as string | null) ?? '',
    shortDescription: (r.short_description as string | null) ?? '',
    requiredAction: (r.required_action as string | null) ?? '',
    dueDate: (r.due_date as string | null) ?? '',
    knownRansomwareCampaignUse: (r.known_ransomware as string | null) ?? '',
    notes: (r.notes as string | null) ?? '',
    cwes: (r.cwes as string[] | null) ?? [],
  }));
}

export async function kevInfo(db: Db): Promise<KevInfo | undefined> {
  const r = await db.one<{ n: bigint; import_id: number | null }>(`SELECT count(*) AS n, max(import_id) AS import_id FROM kev`);
  if (!r || r.import_id === null) return undefined;
  const imp = await db.one<{ file: string; imported_at: Date }>(`SELECT file, imported_at FROM imports WHERE id = $1`, [r.import_id]);
  const meta = await db.all<{ key: string; value: string | null }>(`SELECT key, value FROM meta WHERE key IN ('kev_catalog_version', 'kev_date_released')`);
  const m = new Map(meta.map((x) => [x.key, x.value ?? undefined]));
  return { entries: Number(r.n), catalogVersion: m.get('kev_catalog_version'), dateReleased: m.get('kev_date_released'), file: imp?.file, importedAt: imp?.imported_at };
}
