// Every table and column declared once, in neutral types. Each driver maps the types to its own
// and generates its DDL, migrations and bulk loads from these declarations (the DuckDB driver in
// duckdb/migrate.ts and duckdb/appender.ts), so a column added here is added everywhere at once.
import type { Dialect } from './dialect.js';
import { sql, type Sql } from './sql.js';

export type ColumnType =
  | 'address' // an IP address: core/ip's unsigned 128-bit number (IPv4 as ::ffff:a.b.c.d)
  | 'time' // a point in time, UTC, millisecond precision or better
  | 'text'
  | 'text[]' // a list of text
  | 'bool'
  | 'int32'
  | 'int64' // counts and ids that may pass 2^31
  | 'uint64'
  | 'uint32'
  | 'uint16'
  | 'uint8'
  | 'float64'
  | 'json'; // a JSON document, stored as text

export interface Column {
  name: string;
  type: ColumnType;
  notNull?: boolean;
  /**
   * A stored copy computed from the row's other columns by this expression. Loaders fill it
   * (SQL loads in their SELECT, appended rows by `fillDerived` after the append), and migration
   * fills it for rows stored before the column existed.
   */
  from?: (d: Dialect) => Sql;
}

export interface Table {
  name: string;
  columns: Column[];
  /** The columns of the primary key: a row with the same key replaces the stored one (replace-or-insert). */
  key?: string[];
  /** Column sets no two rows may share. */
  unique?: string[][];
  /**
   * Columns a newer row replaces an older one on, without a key: where the engine replaces by its
   * sort order (ClickHouse's ReplacingMergeTree). Where writers delete and insert in one
   * transaction (DuckDB), no index is kept for it. Only for rows folded from other tables: a
   * store whose table was made otherwise gets it anew, empty, and folds it again.
   */
  replacing?: string[];
}

import { ACCESS_TABLES } from './schema-access.js';
import { DASHBOARD_TABLES } from './schema-dashboard.js';
import { IDENTIFY_TABLES } from './schema-identify.js';
import { MAIL_TABLES } from './schema-mail.js';
import { NOTIFY_TABLES } from './schema-notify.js';

export const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });
const derived = (name: string, type: ColumnType, from: (d: Dialect) => Sql): Column => ({ name, type, from });
/** The narrow key of an address column (see flows.src_key); lookups compare it with addrKey(ip). */
const ADDR_KEY = (column: string) => (d: Dialect) => d.addrKey(sql.ident(column));
/** ADDR_KEY of one address, as a query parameter: a constant the scan can filter on directly. */
export const addrKey = (ip: bigint): number => Number(ip & 0xffffffffn);
/** Columns every telemetry table starts with: where the row came from. */
const origin = [c('import_id', 'int32', true), c('line', 'int32', true)];

export const TABLES: Table[] = [
  {
    name: 'imports',
    columns: [
      c('id', 'int32', true),
      c('kind', 'text', true), // intel | warninglist | telemetry
      c('format', 'text', true),
      c('file', 'text', true),
      c('sha256', 'text', true),
      c('source', 'text'),
      c('sensor', 'text'),
      c('imported_at', 'time', true),
      c('lines', 'int64'),
      c('records', 'int64'),
      c('framing', 'int64'),
      c('rejected', 'int64'),
      c('duplicates', 'int64'),
      c('examples', 'json'), // first rejected lines
      c('prefiltered', 'int64'), // flow records checked but not stored (ingest --prefilter)
      c('skipped', 'json'), // intel sections that are not indicators
      c('min_ts', 'time'),
      c('max_ts', 'time'),
      c('short_rows', 'int64'), // rows read with their last (optional) columns missing
    ],
    key: ['id'],
  },
  {
    name: 'indicators',
    columns: [
      c('id', 'int64', true),
      c('import_id', 'int32', true),
      c('source', 'text', true),
      c('family', 'text'),
      c('type', 'text', true),
      c('value', 'text', true),
      c('lo', 'address'),
      c('hi', 'address'),
      c('prefix', 'uint8'), // prefix length in the 128-bit space, for ip/cidr/ip-port
      c('port', 'uint16'),
      c('domain', 'text'),
      c('url_path', 'text'),
      c('tags', 'text[]'),
      c('category', 'text'),
      c('description', 'text'),
      c('first_seen', 'time'),
      c('last_seen', 'time'),
      c('for_detection', 'bool', true),
      c('line', 'int32'),
      c('timeframe', 'text'), // the validity window as the source wrote it ("Feb. 7 – May 6 2022")
    ],
    key: ['id'],
  },
  {
    name: 'warnings',
    columns: [
      c('import_id', 'int32', true),
      c('list', 'text', true),
      c('kind', 'text', true), // cidr | domain
      c('lo', 'address'),
      c('hi', 'address'),
      c('prefix', 'uint8'),
      c('domain', 'text'),
      c('value', 'text', true),
    ],
  },
  {
    name: 'flows',
    columns: [
      ...origin,
      c('ts', 'time', true),
      c('te', 'time'),
      c('src', 'address', true),
      c('dst', 'address', true),
      c('sport', 'uint16'),
      c('dport', 'uint16'),
      c('proto', 'text'),
      c('bytes', 'uint64'),
      c('packets', 'uint64'),
      c('rev_bytes', 'uint64'),
      c('rev_packets', 'uint64'),
      c('state', 'text'),
      // The low 32 bits of each address (all of an IPv4 one): a lookup of one address filters on
      // these first, and scanning a 4-byte column is ten times cheaper than the 16-byte one
      // (measured: 7 ms against 65 ms per 5M flows).
      derived('src_key', 'uint32', ADDR_KEY('src')),
      derived('dst_key', 'uint32', ADDR_KEY('dst')),
    ],
  },
  {
    name: 'dns',
    columns: [
      ...origin,
      c('ts', 'time', true),
      c('client', 'address', true),
      c('server', 'address'),
      c('query', 'text', true),
      c('qtype', 'text'),
      c('answers', 'text[]'),
    ],
  },
  {
    name: 'http',
    columns: [
      ...origin,
      c('ts', 'time', true),
      c('client', 'address', true),
      c('server', 'address', true),
      c('dport', 'uint16'),
      c('host', 'text'),
      c('uri', 'text'),
      c('method', 'text'),
      c('user_agent', 'text'),
      c('server_header', 'text'),
      c('status', 'uint16'),
    ],
  },
  {
    name: 'tls',
    columns: [
      ...origin,
      c('ts', 'time', true),
      c('client', 'address', true),
      c('server', 'address', true),
      c('dport', 'uint16'),
      c('sni', 'text'),
      c('cert_sha256', 'text'),
      c('cert_sha1', 'text'),
      c('subject', 'text'),
      c('issuer', 'text'),
      c('ja3', 'text'),
    ],
  },
  {
    name: 'reports',
    columns: [
      ...origin,
      c('ts', 'time', true),
      c('ip', 'address', true),
      c('port', 'uint16'),
      c('dst_ip', 'address'),
      c('dst_port', 'uint16'),
      c('protocol', 'text'),
      c('asn', 'int64'),
      c('geo', 'text'),
      c('hostname', 'text'),
      c('report_type', 'text', true),
      c('compromised', 'bool', true),
      c('infection', 'text'),
      c('family', 'text'),
      c('tag', 'text'),
      c('device_vendor', 'text'),
      c('device_type', 'text'),
      c('device_model', 'text'),
      c('device_version', 'text'),
      c('device_id', 'text'),
      c('extra', 'json'),
    ],
  },
  {
    name: 'alerts',
    columns: [
      ...origin,
      c('ts', 'time', true),
      c('src', 'address', true),
      c('dst', 'address', true),
      c('sport', 'uint16'),
      c('dport', 'uint16'),
      c('proto', 'text'),
      c('signature', 'text', true),
      c('signature_id', 'int64'),
      c('category', 'text'),
      c('severity', 'int32'),
    ],
  },
  {
    // One row per victim, indicator, kind, telemetry import and hour: the evidence, aggregated.
    name: 'sightings',
    columns: [
      c('victim', 'address', true),
      c('indicator_id', 'int64'), // null for report rows that are sightings by themselves
      c('kind', 'text', true), // flow | dns | http | tls | report
      c('import_id', 'int32', true), // the telemetry import
      c('hour', 'time', true),
      c('first_seen', 'time', true),
      c('last_seen', 'time', true),
      c('events', 'int64', true),
      c('bytes', 'uint64'),
      c('to_indicator', 'bool'), // victim -> indicator traffic seen
      c('from_indicator', 'bool'), // indicator -> victim traffic seen
      c('answered', 'bool'), // the far end answered within one record (two-way formats)
      c('first_line', 'int32'),
      c('device_id', 'text'),
      c('family', 'text'),
      c('detail', 'text'), // the query name, SNI, URL or report type that matched
    ],
  },
  {
    // The sightings folded per victim over all time, written with them (src/match/victim-fold.ts): the
    // all-time census reads these ~400k rows instead of grouping the 1.2M sightings of a 100M-flow
    // store, and a bounded window finds the victims it cuts from first_end and last_start.
    name: 'victim_fold',
    columns: [
      c('victim', 'address', true),
      c('grade', 'uint8', true), // victim-windows.ts GRADE_RANK; 0: no sightings left (where rows are replaced, not deleted)
      c('device', 'text'), // the reports' own device id, if any
      c('first_seen', 'time', true),
      c('last_seen', 'time', true),
      c('first_end', 'time', true), // the earliest last_seen: a window from after it cuts a sighting out
      c('last_start', 'time', true), // the latest first_seen: a window to before it cuts a sighting out
      c('events', 'int64', true),
    ],
    replacing: ['victim'],
  },
  {
    // The sightings folded per victim and UTC day they touch, written with them (src/match/day-fold.ts):
    // the daily trend reads one row per victim and day instead of spreading the sightings.
    name: 'victim_days',
    columns: [
      c('victim', 'address', true),
      c('day', 'time', true), // midnight UTC
      c('grade', 'uint8', true), // the victim's grade on that day (victim-windows.ts GRADE_RANK; 0 as in victim_fold)
    ],
    replacing: ['victim', 'day'],
  },
  {
    // The sightings folded per UTC day, victim, indicator (and report type), kind and family, for
    // the census's windows (src/census/pair-days.ts): a window's full days read these instead of the
    // hourly sightings. A sighting that spans midnight is a row of its own (multiday 1). Rows of
    // the fold `fold` (the newest import they include) only are read; older folds are removed.
    name: 'pair_days',
    columns: [
      c('victim', 'address', true),
      c('fold', 'int32', true),
      c('day', 'time', true), // midnight UTC of the first sighting folded in
      c('multiday', 'uint8', true),
      c('indicator_id', 'int64'),
      c('rkey', 'text'), // the report type of report sightings (they have no indicator)
      c('kind', 'text', true),
      c('family', 'text'),
      c('g', 'uint8', true), // best single-sighting grade: 3 not a flow, 2 answered flow, 1 flow
      c('t', 'uint8', true), // victim -> indicator seen
      c('f', 'uint8', true), // indicator -> victim seen
      c('dev', 'text'),
      c('f0', 'time', true),
      c('l0', 'time', true),
      c('events', 'int64', true),
    ],
  },
  {
    // The sightings folded per victim, indicator (and report type), kind, family and import over
    // all time, with the fold number of pair_days they were folded with (src/census/pair-days.ts):
    // the all-time window's evidence and one victim's evidence (lookup) read these, stored in
    // victim order so that a victim's rows are a few blocks.
    name: 'pair_all',
    columns: [
      c('victim', 'address', true),
      c('fold', 'int32', true),
      c('indicator_id', 'int64'),
      c('rkey', 'text'),
      c('kind', 'text', true),
      c('family', 'text'),
      c('import_id', 'int32', true),
      c('g', 'uint8', true),
      c('t', 'uint8', true),
      c('f', 'uint8', true),
      c('answered', 'uint8', true),
      c('dev', 'text'),
      c('f0', 'time', true),
      c('l0', 'time', true),
      c('events', 'int64', true),
      c('bytes', 'uint64'),
      c('first_line', 'int32'),
      c('detail', 'text'),
    ],
  },
  {
    // Enrichment of each distinct address, done once per address.
    name: 'hosts',
    columns: [
      c('ip', 'address', true),
      c('asn', 'int64'),
      c('as_org', 'text'),
      c('country', 'text'),
      c('source', 'text'), // which provider answered
      c('special', 'text'), // the special-purpose block it lies in (core/special-purpose): no country, no AS
      c('asn_source', 'text'), // geo_sources.name of the provider that gave the ASN
      c('country_source', 'text'), // geo_sources.name of the provider that gave the country
    ],
    // One row per ip by construction (enrichHosts adds only addresses not in it). No primary key:
    // see dropStalePrimaryKeys.
  },
  // The providers' ranges, each once per bucket it overlaps (core/geo-buckets.ts: `level`, `b`),
  // so that an address finds its ranges by an equality join in any engine.
  {
    name: 'geo_asn',
    columns: [
      c('level', 'uint8', true), c('b', 'address', true), c('lo', 'address', true), c('hi', 'address', true),
      c('asn', 'int64'), c('org', 'text'), c('src', 'uint16'),
      c('width', 'address'), // hi - lo: the narrowest range holding an address answers
    ],
  },
  {
    name: 'geo_country',
    columns: [
      c('level', 'uint8', true), c('b', 'address', true), c('lo', 'address', true), c('hi', 'address', true), c('country', 'text'), c('src', 'uint16'),
      c('width', 'address'), // hi - lo
    ],
  },
  {
    // Each AS's name from the first provider that names it: providers without names (pfx2as) borrow it.
    name: 'geo_asn_names',
    columns: [c('asn', 'int64', true), c('org', 'text')],
  },
  {
    // The enrichment providers, in the order they are asked (src: geo_asn.src, geo_country.src).
    name: 'geo_sources',
    columns: [
      c('src', 'uint16', true),
      c('role', 'text', true), // asn | country
      c('name', 'text', true),
      c('file', 'text'),
      c('data_date', 'text'), // YYYY-MM-DD, when the provider's data was built
      c('licence', 'text'),
      c('ranges', 'int64'),
    ],
  },
  {
    // Network owners and their contacts (CERT contact database): who gets told about which victims.
    name: 'owners',
    columns: [
      c('name', 'text', true),
      c('asns', 'text[]'),
      c('cidrs', 'text[]'),
      c('emails', 'text[]'),
      c('webhook_url', 'text'),
      c('webhook_secret', 'text'),
      c('language', 'text'),
      c('interval_days', 'float64'),
      c('format', 'text'),
      c('contacts', 'text'), // the contact database it is part of (meta owners_version): readers see the current one's
    ],
    key: ['name'],
  },
  {
    // The owners' address blocks and ASNs, as join keys: a block beats an ASN, a longer prefix a shorter.
    name: 'owner_keys',
    columns: [c('owner', 'text', true), c('asn', 'int64'), c('lo', 'address'), c('hi', 'address'), c('prefix', 'uint8'), c('contacts', 'text')],
  },
  {
    // The files an `ingest --prefilter` stored part of, where they were: indicators imported later
    // have them read again for the flows near the new indicators (telemetry/prefilter/flow-rescan.ts). The
    // size and time tell whether the file is still the one imported.
    name: 'prefiltered_files',
    columns: [
      c('import_id', 'int32', true),
      c('path', 'text', true),
      c('size', 'int64', true),
      c('mtime_ms', 'float64', true),
      c('reader', 'json', true), // FlowFileReader: the scan and the CSV's layout, or the line reader and its format
      // The newest import whose indicators the stored flows were read for (PrefilteredFile).
      // Stores from before this column: filled when opened (migrate.ts).
      c('covered_through', 'int32'),
      // The earliest and latest flow start time in the file, stored or dropped: an intel import
      // does not read it for indicators whose windows miss this span. NULL: not known (never skipped).
      c('span_from', 'time'),
      c('span_to', 'time'),
    ],
    // One file per import: a move or a new cover replaces its row.
    key: ['import_id'],
  },
  {
    name: 'meta',
    columns: [c('key', 'text', true), c('value', 'text')],
    key: ['key'],
  },
];

TABLES.push(...NOTIFY_TABLES, ...ACCESS_TABLES, ...DASHBOARD_TABLES, ...IDENTIFY_TABLES);
TABLES.push(...MAIL_TABLES);

export function table(name: string): Table {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}
