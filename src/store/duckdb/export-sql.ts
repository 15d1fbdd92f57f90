// Exports victims and sightings with DuckDB's own writers (Parquet, CSV, JSON lines). CSV has the
// shape of the dashboard's download (src/server/csv.ts, where it is documented): the same columns,
// times as ISO 8601 UTC with Z, lists joined with ';', formula cells prefixed with a quote, CRLF.
import type { ExportFormat, ExportWhat, VictimFilter } from '../store.js';
import type { Db } from './connection.js';
import { loadConstituency } from './victim-sql.js';
import { victimsQuery } from './victims-sql.js';
import { windowLists } from './window-sql.js';

/** COPY takes its target as a literal: quote it as SQL quotes a string. */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

const FORMAT: Record<ExportFormat, string> = {
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
  csv: `(FORMAT csv, HEADER true, NEW_LINE '\r\n')`,
  json: '(FORMAT json)',
};

/** A text cell of a CSV: one a spreadsheet would run as a formula gets a quote in front (as csv.ts does). */
const cell = (x: string) => `CASE WHEN regexp_matches(${x}, '^[=+\\-@\\t\\r]') THEN '''' || ${x} ELSE ${x} END`;
/** A time as ISO 8601 UTC with milliseconds and Z, as JavaScript's toISOString writes it. */
const iso = (x: string) => `strftime(${x}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
/** A list as its values joined with ';' (empty: no value). */
const list = (x: string) => cell(`nullif(array_to_string(${x}, ';'), '')`);

/** The victim columns of an export: typed for Parquet and JSON, as text cells for CSV. */
function victimColumns(csv: boolean): string {
  const grade = `CASE grade WHEN 3 THEN 'confirmed' WHEN 2 THEN 'two-way' ELSE 'one-way' END AS grade`;
  if (!csv)
    return `ip_text(victim) AS ip, country, asn, as_org, owner, ${grade}, families, indicators, kinds, first_seen, last_seen, events, device, warned_by,
            special, asn_source, asn_data_date, country_source, country_data_date`;
  return `ip_text(victim) AS ip, ${cell('country')} AS country, asn, ${cell('as_org')} AS as_org, ${grade}, ${list('families')} AS families,
          ${list('indicators')} AS indicators, ${list('kinds')} AS kinds, ${iso('first_seen')} AS first_seen, ${iso('last_seen')} AS last_seen,
          events, ${cell('device')} AS device_id, ${list(`string_split(warned_by, '; ')`)} AS warninglists, ${cell('owner')} AS owner`;
}

function sightingColumns(csv: boolean): string {
  const t = csv ? cell : (x: string) => x;
  const time = csv ? iso : (x: string) => x;
  return `ip_text(s.victim) AS ip, ${t('i.value')} AS indicator, ${t('i.source')} AS indicator_source, s.kind, ${time('s.first_seen')} AS first_seen,
          ${time('s.last_seen')} AS last_seen, s.events, s.bytes, s.to_indicator, s.from_indicator, s.answered, ${t('im.file')} AS file,
          s.first_line AS line, ${t('s.device_id')} AS device_id, ${t('s.family')} AS family, ${t('s.detail')} AS detail`;
}

export async function exportData(db: Db, what: ExportWhat, format: ExportFormat, file: string, f: VictimFilter): Promise<number> {
  return db.windowed(async () => {
    let sql: string;
    let params: Record<string, unknown>;
    if (what === 'victims') {
      const window = await windowLists(db, f);
      await loadConstituency(db, f.constituency);
      const q = victimsQuery({ ...f, limit: f.limit ?? Number.MAX_SAFE_INTEGER }, window);
      // With where its enrichment came from: each provider's name and data date.
      sql = `SELECT ${victimColumns(format === 'csv')}
             FROM (SELECT x.*, h.asn_source, sa.data_date AS asn_data_date, h.country_source, sc.data_date AS country_data_date
                   FROM (${q.sql}) x LEFT JOIN hosts h ON h.ip = x.victim
                   LEFT JOIN geo_sources sa ON sa.role = 'asn' AND sa.name = h.asn_source
                   LEFT JOIN geo_sources sc ON sc.role = 'country' AND sc.name = h.country_source)
             ORDER BY last_seen DESC, victim`;
      params = q.params;
    } else {
      sql = `SELECT ${sightingColumns(format === 'csv')}
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
