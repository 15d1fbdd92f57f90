// `botcensus export`: a window's victims (one row per address, with enrichment, where it came from
// and the evidence summary) or its sightings (the evidence rows), written once over the driver and
// the census's window relations, then written to Parquet, CSV or JSON lines by DuckDB's writers
// (src/store/duckdb/file-writer.ts; on another engine from the rows it reads).
import { windowsOf, type CensusSource } from '../census/count.js';
import { joined, withConstituency } from '../census/scope.js';
import { victimsQuery } from '../census/victims.js';
import type { Driver } from '../store/driver.js';
import { writeFile, type FileColumn, type FileFormat } from '../store/duckdb/file-writer.js';
import { c, type Table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type { VictimFilter } from '../store/store.js';

export type ExportWhat = 'victims' | 'sightings';
export type ExportFormat = FileFormat;

/** The columns of an exported victim, in the order of Parquet and JSON. */
const VICTIMS: Table = {
  name: 'export_victims',
  columns: [
    c('ip', 'address', true),
    c('country', 'text'),
    c('asn', 'int64'),
    c('as_org', 'text'),
    c('owner', 'text'),
    c('grade_label', 'text', true),
    c('families', 'text[]'),
    c('indicators', 'text[]'),
    c('kinds', 'text[]'),
    c('first_seen', 'time', true),
    c('last_seen', 'time', true),
    c('events', 'int64', true),
    c('device', 'text'),
    c('warned_by', 'text'),
    c('special', 'text'),
    c('asn_source', 'text'),
    c('asn_data_date', 'text'),
    c('country_source', 'text'),
    c('country_data_date', 'text'),
  ],
};

/** The victim columns of a CSV: the dashboard's download (src/server/csv.ts VICTIM_CSV). */
const VICTIM_CSV: FileColumn[] = [
  ...['ip', 'country', 'asn', 'as_org'].map((column) => ({ column })),
  { column: 'grade_label', as: 'grade' },
  ...['families', 'indicators', 'kinds', 'first_seen', 'last_seen', 'events'].map((column) => ({ column })),
  { column: 'device', as: 'device_id' },
  { column: 'warned_by', as: 'warninglists', joinedBy: '; ' },
  { column: 'owner' },
];

/** The columns of an exported sighting. */
const SIGHTINGS: Table = {
  name: 'export_sightings',
  columns: [
    c('ip', 'address', true),
    c('indicator', 'text'),
    c('indicator_source', 'text'),
    c('kind', 'text', true),
    c('first_seen', 'time', true),
    c('last_seen', 'time', true),
    c('events', 'int64', true),
    c('bytes', 'uint64'),
    c('to_indicator', 'bool'),
    c('from_indicator', 'bool'),
    c('answered', 'bool'),
    c('file', 'text'),
    c('line', 'int32'),
    c('device_id', 'text'),
    c('family', 'text'),
    c('detail', 'text'),
  ],
};

const visible = (d: Driver, alias: string): Sql => d.dialect.visibleRows(sql.ident(alias));
const allColumns = (t: Table): FileColumn[] => t.columns.map((x) => (x.name === 'grade_label' ? { column: x.name, as: 'grade' } : { column: x.name }));

/**
 * The victims of the filter (all of them without a limit), latest seen first, with the provider
 * that gave each one's AS and country and its data date. (Aliases differ from the columns they
 * are computed from: ClickHouse resolves an alias before a column of the same name.)
 */
function victimRows(d: Driver, listed: Sql): Sql {
  const sources = (role: 'asn' | 'country') =>
    sql`(SELECT g.name AS name, g.data_date AS data_date, 1 AS found FROM geo_sources g WHERE g.role = ${role} AND ${visible(d, 'g')})`;
  const withHost = sql`(SELECT v.*, ${joined('h', 'asn_source')} AS asn_from, ${joined('h', 'country_source')} AS country_from
                        FROM (${listed}) v
                        LEFT JOIN (SELECT h0.ip AS ip, h0.asn_source AS asn_source, h0.country_source AS country_source, 1 AS found
                                   FROM hosts h0 WHERE ${visible(d, 'h0')}) h ON h.ip = v.victim)`;
  const withAsn = sql`(SELECT x.*, ${joined('sa', 'data_date')} AS asn_date FROM ${withHost} x LEFT JOIN ${sources('asn')} sa ON sa.name = x.asn_from)`;
  const withCountry = sql`(SELECT y.*, ${joined('sc', 'data_date')} AS country_date FROM ${withAsn} y LEFT JOIN ${sources('country')} sc ON sc.name = y.country_from)`;
  return sql`SELECT z.victim AS ip, z.country AS country, z.asn AS asn, z.as_org AS as_org, z.owner AS owner,
                    CASE WHEN z.grade = 3 THEN 'confirmed' WHEN z.grade = 2 THEN 'two-way' ELSE 'one-way' END AS grade_label,
                    z.families AS families, z.indicators AS indicators, z.kinds AS kinds, z.first_seen AS first_seen, z.last_seen AS last_seen,
                    z.events AS events, z.device AS device, z.warned_by AS warned_by, z.special AS special,
                    z.asn_from AS asn_source, z.asn_date AS asn_data_date, z.country_from AS country_source, z.country_date AS country_data_date
             FROM ${withCountry} z
             ORDER BY z.last_seen DESC, z.victim`;
}

/** The sightings that overlap the window [from, to], with their indicator and file, earliest first. */
function sightingRows(d: Driver, f: VictimFilter): Sql {
  const bounds = [visible(d, 's')];
  if (f.from !== undefined) bounds.push(sql`s.last_seen >= ${sql.time(f.from)}`);
  if (f.to !== undefined) bounds.push(sql`s.first_seen <= ${sql.time(f.to)}`);
  const withIndicator = sql`(SELECT s.*, ${joined('i', 'value')} AS indicator, ${joined('i', 'source')} AS indicator_source
                             FROM sightings s
                             LEFT JOIN (SELECT i0.id AS id, i0.value AS value, i0.source AS source, 1 AS found FROM indicators i0 WHERE ${visible(d, 'i0')}) i
                               ON i.id = s.indicator_id
                             WHERE ${sql.join(bounds, sql` AND `)})`;
  return sql`SELECT x.victim AS ip, x.indicator AS indicator, x.indicator_source AS indicator_source, x.kind AS kind, x.first_seen AS first_seen,
                    x.last_seen AS last_seen, x.events AS events, x.bytes AS bytes, x.to_indicator AS to_indicator, x.from_indicator AS from_indicator,
                    x.answered AS answered, im.file AS file, x.first_line AS line, x.device_id AS device_id, x.family AS family, x.detail AS detail
             FROM ${withIndicator} x JOIN (SELECT m.id AS id, m.file AS file FROM imports m WHERE ${visible(d, 'm')}) im ON im.id = x.import_id
             ORDER BY x.first_seen, x.victim, x.indicator_id, x.kind, x.import_id, x.family, x.detail, x.last_seen`;
}

/** Writes victims (with the filter) or sightings (in the filter's window) to `file`; returns the rows written. */
export async function exportData(store: CensusSource, what: ExportWhat, format: ExportFormat, file: string, f: VictimFilter): Promise<number> {
  const d = store.driver;
  if (what === 'sightings') return writeFile(d, sightingRows(d, f), SIGHTINGS, allColumns(SIGHTINGS), format, file);
  return withConstituency(d, f.constituency, (inside) =>
    windowsOf(store).read({ from: f.from, to: f.to }, async (w) => {
      const listed = victimsQuery(d, w, { ...f, limit: f.limit ?? Number.MAX_SAFE_INTEGER }, inside);
      const columns = format === 'csv' ? VICTIM_CSV : allColumns(VICTIMS);
      return writeFile(d, victimRows(d, listed), VICTIMS, columns, format, file);
    }),
  );
}
