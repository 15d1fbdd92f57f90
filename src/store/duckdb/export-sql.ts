// Exports victims and sightings with DuckDB's own writers (Parquet, CSV, JSON lines).
import type { ExportFormat, ExportWhat, VictimFilter } from '../store.js';
import type { Db } from './connection.js';
import { loadConstituency } from './victim-sql.js';
import { victimsQuery } from './victims-sql.js';
import { windowLists } from './window-sql.js';

/** COPY takes its target as a literal: quote it as SQL quotes a string. */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

const FORMAT: Record<ExportFormat, string> = {
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
  csv: '(FORMAT csv, HEADER true)',
  json: '(FORMAT json)',
};

export async function exportData(db: Db, what: ExportWhat, format: ExportFormat, file: string, f: VictimFilter): Promise<number> {
  return db.exclusive(async () => {
    let sql: string;
    let params: Record<string, unknown>;
    if (what === 'victims') {
      const window = await windowLists(db, f);
      await loadConstituency(db, f.constituency);
      const q = victimsQuery({ ...f, limit: f.limit ?? Number.MAX_SAFE_INTEGER }, window);
      // With where its enrichment came from: each provider's name and data date.
      sql = `SELECT ip_text(x.victim) AS ip, x.country, x.asn, x.as_org, x.owner, CASE x.grade WHEN 3 THEN 'confirmed' WHEN 2 THEN 'two-way' ELSE 'one-way' END AS grade,
                    x.families, x.indicators, x.kinds, x.first_seen, x.last_seen, x.events, x.device, x.warned_by, x.special,
                    h.asn_source, sa.data_date AS asn_data_date, h.country_source, sc.data_date AS country_data_date
             FROM (${q.sql}) x LEFT JOIN hosts h ON h.ip = x.victim
             LEFT JOIN geo_sources sa ON sa.role = 'asn' AND sa.name = h.asn_source
             LEFT JOIN geo_sources sc ON sc.role = 'country' AND sc.name = h.country_source
             ORDER BY x.last_seen DESC, x.victim`;
      params = q.params;
    } else {
      sql = `SELECT ip_text(s.victim) AS ip, i.value AS indicator, i.source AS indicator_source, s.kind, s.first_seen, s.last_seen,
                    s.events, s.bytes, s.to_indicator, s.from_indicator, s.answered, im.file, s.first_line AS line, s.device_id,
                    s.family, s.detail
             FROM sightings s LEFT JOIN indicators i ON i.id = s.indicator_id JOIN imports im ON im.id = s.import_id
             WHERE s.last_seen >= $from::TIMESTAMP AND s.first_seen <= $to::TIMESTAMP
             ORDER BY s.first_seen, ip`;
      params = {
        from: f.from === undefined ? '-infinity' : new Date(f.from).toISOString(),
        to: f.to === undefined ? 'infinity' : new Date(f.to).toISOString(),
      };
    }
    await db.run(`COPY (${sql}) TO ${literal(file)} ${FORMAT[format]}`, params as Record<string, never>);
    const n = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM (${sql})`, params as Record<string, never>);
    return Number(n!.n);
  });
}
