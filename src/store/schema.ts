// Every table and column declared once. DDL and appender column order both come from here, so a
// column added to a table is added everywhere at once. Types are DuckDB's; the ClickHouse driver
// maps them (see typeFor in its dialect).

export type ColumnType =
  | 'ADDR' // an IP address as an unsigned 128-bit integer (core/ip)
  | 'TIMESTAMP'
  | 'VARCHAR'
  | 'VARCHAR[]'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'UBIGINT'
  | 'UINTEGER'
  | 'USMALLINT'
  | 'UTINYINT'
  | 'DOUBLE'
  | 'JSON';

export interface Column {
  name: string;
  type: ColumnType;
  notNull?: boolean;
  /**
   * A stored copy computed from the row's other columns by this SQL expression. Loaders fill it
   * (SQL loads in their SELECT, appended rows by `fillDerived` after the append), and migration
   * fills it for rows stored before the column existed.
   */
  from?: string;
}

export interface Table {
  name: string;
  columns: Column[];
  /** Extra clauses after the columns (primary key). */
  constraints?: string[];
}

import { ACCESS_TABLES } from './schema-access.js';
import { DASHBOARD_TABLES } from './schema-dashboard.js';
import { DERIVED_TABLES } from './schema-derived.js';
import { IDENTIFY_TABLES } from './schema-identify.js';
import { NOTIFY_TABLES } from './schema-notify.js';

export const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });
const derived = (name: string, type: ColumnType, from: string): Column => ({ name, type, from });
/** The narrow key of an address column (see flows.src_key); lookups compare it with addrKey(ip). */
export const ADDR_KEY = (column: string) => `(${column} & 4294967295)::UINTEGER`;
/** ADDR_KEY of one address, as a query parameter: a constant the scan can filter on directly. */
export const addrKey = (ip: bigint): number => Number(ip & 0xffffffffn);
/** Columns every telemetry table starts with: where the row came from. */
const origin = [c('import_id', 'INTEGER', true), c('line', 'INTEGER', true)];

export const TABLES: Table[] = [
  {
    name: 'imports',
    columns: [
      c('id', 'INTEGER', true),
      c('kind', 'VARCHAR', true), // intel | warninglist | telemetry
      c('format', 'VARCHAR', true),
      c('file', 'VARCHAR', true),
      c('sha256', 'VARCHAR', true),
      c('source', 'VARCHAR'),
      c('sensor', 'VARCHAR'),
      c('imported_at', 'TIMESTAMP', true),
      c('lines', 'BIGINT'),
      c('records', 'BIGINT'),
      c('framing', 'BIGINT'),
      c('rejected', 'BIGINT'),
      c('duplicates', 'BIGINT'),
      c('examples', 'JSON'), // first rejected lines
      c('prefiltered', 'BIGINT'), // flow records checked but not stored (ingest --prefilter)
      c('skipped', 'JSON'), // intel sections that are not indicators
      c('min_ts', 'TIMESTAMP'),
      c('max_ts', 'TIMESTAMP'),
    ],
    constraints: ['PRIMARY KEY (id)'],
  },
  {
    name: 'indicators',
    columns: [
      c('id', 'BIGINT', true),
      c('import_id', 'INTEGER', true),
      c('source', 'VARCHAR', true),
      c('family', 'VARCHAR'),
      c('type', 'VARCHAR', true),
      c('value', 'VARCHAR', true),
      c('lo', 'ADDR'),
      c('hi', 'ADDR'),
      c('prefix', 'UTINYINT'), // prefix length in the 128-bit space, for ip/cidr/ip-port
      c('port', 'USMALLINT'),
      c('domain', 'VARCHAR'),
      c('url_path', 'VARCHAR'),
      c('tags', 'VARCHAR[]'),
      c('category', 'VARCHAR'),
      c('description', 'VARCHAR'),
      c('first_seen', 'TIMESTAMP'),
      c('last_seen', 'TIMESTAMP'),
      c('for_detection', 'BOOLEAN', true),
      c('line', 'INTEGER'),
    ],
    constraints: ['PRIMARY KEY (id)'],
  },
  {
    name: 'warnings',
    columns: [
      c('import_id', 'INTEGER', true),
      c('list', 'VARCHAR', true),
      c('kind', 'VARCHAR', true), // cidr | domain
      c('lo', 'ADDR'),
      c('hi', 'ADDR'),
      c('prefix', 'UTINYINT'),
      c('domain', 'VARCHAR'),
      c('value', 'VARCHAR', true),
    ],
  },
  {
    name: 'flows',
    columns: [
      ...origin,
      c('ts', 'TIMESTAMP', true),
      c('te', 'TIMESTAMP'),
      c('src', 'ADDR', true),
      c('dst', 'ADDR', true),
      c('sport', 'USMALLINT'),
      c('dport', 'USMALLINT'),
      c('proto', 'VARCHAR'),
      c('bytes', 'UBIGINT'),
      c('packets', 'UBIGINT'),
      c('rev_bytes', 'UBIGINT'),
      c('rev_packets', 'UBIGINT'),
      c('state', 'VARCHAR'),
      // The low 32 bits of each address (all of an IPv4 one): a lookup of one address filters on
      // these first, and scanning a 4-byte column is ten times cheaper than the 16-byte one
      // (measured: 7 ms against 65 ms per 5M flows).
      derived('src_key', 'UINTEGER', ADDR_KEY('src')),
      derived('dst_key', 'UINTEGER', ADDR_KEY('dst')),
    ],
  },
  {
    name: 'dns',
    columns: [
      ...origin,
      c('ts', 'TIMESTAMP', true),
      c('client', 'ADDR', true),
      c('server', 'ADDR'),
      c('query', 'VARCHAR', true),
      c('qtype', 'VARCHAR'),
      c('answers', 'VARCHAR[]'),
    ],
  },
  {
    name: 'http',
    columns: [
      ...origin,
      c('ts', 'TIMESTAMP', true),
      c('client', 'ADDR', true),
      c('server', 'ADDR', true),
      c('dport', 'USMALLINT'),
      c('host', 'VARCHAR'),
      c('uri', 'VARCHAR'),
      c('method', 'VARCHAR'),
      c('user_agent', 'VARCHAR'),
      c('server_header', 'VARCHAR'),
      c('status', 'USMALLINT'),
    ],
  },
  {
    name: 'tls',
    columns: [
      ...origin,
      c('ts', 'TIMESTAMP', true),
      c('client', 'ADDR', true),
      c('server', 'ADDR', true),
      c('dport', 'USMALLINT'),
      c('sni', 'VARCHAR'),
      c('cert_sha256', 'VARCHAR'),
      c('cert_sha1', 'VARCHAR'),
      c('subject', 'VARCHAR'),
      c('issuer', 'VARCHAR'),
      c('ja3', 'VARCHAR'),
    ],
  },
  {
    name: 'reports',
    columns: [
      ...origin,
      c('ts', 'TIMESTAMP', true),
      c('ip', 'ADDR', true),
      c('port', 'USMALLINT'),
      c('dst_ip', 'ADDR'),
      c('dst_port', 'USMALLINT'),
      c('protocol', 'VARCHAR'),
      c('asn', 'BIGINT'),
      c('geo', 'VARCHAR'),
      c('hostname', 'VARCHAR'),
      c('report_type', 'VARCHAR', true),
      c('compromised', 'BOOLEAN', true),
      c('infection', 'VARCHAR'),
      c('family', 'VARCHAR'),
      c('tag', 'VARCHAR'),
      c('device_vendor', 'VARCHAR'),
      c('device_type', 'VARCHAR'),
      c('device_model', 'VARCHAR'),
      c('device_version', 'VARCHAR'),
      c('device_id', 'VARCHAR'),
      c('extra', 'JSON'),
    ],
  },
  {
    name: 'alerts',
    columns: [
      ...origin,
      c('ts', 'TIMESTAMP', true),
      c('src', 'ADDR', true),
      c('dst', 'ADDR', true),
      c('sport', 'USMALLINT'),
      c('dport', 'USMALLINT'),
      c('proto', 'VARCHAR'),
      c('signature', 'VARCHAR', true),
      c('signature_id', 'BIGINT'),
      c('category', 'VARCHAR'),
      c('severity', 'INTEGER'),
    ],
  },
  {
    // One row per victim, indicator, kind, telemetry import and hour: the evidence, aggregated.
    name: 'sightings',
    columns: [
      c('victim', 'ADDR', true),
      c('indicator_id', 'BIGINT'), // null for report rows that are sightings by themselves
      c('kind', 'VARCHAR', true), // flow | dns | http | tls | report
      c('import_id', 'INTEGER', true), // the telemetry import
      c('hour', 'TIMESTAMP', true),
      c('first_seen', 'TIMESTAMP', true),
      c('last_seen', 'TIMESTAMP', true),
      c('events', 'BIGINT', true),
      c('bytes', 'UBIGINT'),
      c('to_indicator', 'BOOLEAN'), // victim -> indicator traffic seen
      c('from_indicator', 'BOOLEAN'), // indicator -> victim traffic seen
      c('answered', 'BOOLEAN'), // the far end answered within one record (two-way formats)
      c('first_line', 'INTEGER'),
      c('device_id', 'VARCHAR'),
      c('family', 'VARCHAR'),
      c('detail', 'VARCHAR'), // the query name, SNI, URL or report type that matched
    ],
  },
  {
    // The sightings folded per victim over all time, written with them (victim-fold-sql.ts): the
    // all-time census reads these ~400k rows instead of grouping the 1.2M sightings of a 100M-flow
    // store, and a bounded window finds the victims it cuts from first_end and last_start.
    name: 'victim_fold',
    columns: [
      c('victim', 'ADDR', true),
      c('grade', 'UTINYINT', true), // victim-sql.ts GRADE_RANK
      c('device', 'VARCHAR'), // the reports' own device id, if any
      c('first_seen', 'TIMESTAMP', true),
      c('last_seen', 'TIMESTAMP', true),
      c('first_end', 'TIMESTAMP', true), // the earliest last_seen: a window from after it cuts a sighting out
      c('last_start', 'TIMESTAMP', true), // the latest first_seen: a window to before it cuts a sighting out
      c('events', 'BIGINT', true),
    ],
  },
  {
    // Enrichment of each distinct address, done once per address.
    name: 'hosts',
    columns: [
      c('ip', 'ADDR', true),
      c('asn', 'BIGINT'),
      c('as_org', 'VARCHAR'),
      c('country', 'VARCHAR'),
      c('source', 'VARCHAR'), // which provider answered
      c('special', 'VARCHAR'), // the special-purpose block it lies in (core/special-purpose): no country, no AS
      c('asn_source', 'VARCHAR'), // geo_sources.name of the provider that gave the ASN
      c('country_source', 'VARCHAR'), // geo_sources.name of the provider that gave the country
    ],
    // One row per ip by construction (enrichHosts adds only addresses not in it). No primary key:
    // see dropStalePrimaryKeys.
  },
  {
    name: 'geo_asn',
    columns: [c('lo', 'ADDR', true), c('hi', 'ADDR', true), c('asn', 'BIGINT'), c('org', 'VARCHAR'), c('src', 'USMALLINT')],
  },
  {
    name: 'geo_country',
    columns: [c('lo', 'ADDR', true), c('hi', 'ADDR', true), c('country', 'VARCHAR'), c('src', 'USMALLINT')],
  },
  {
    // The enrichment providers, in the order they are asked (src: geo_asn.src, geo_country.src).
    name: 'geo_sources',
    columns: [
      c('src', 'USMALLINT', true),
      c('role', 'VARCHAR', true), // asn | country
      c('name', 'VARCHAR', true),
      c('file', 'VARCHAR'),
      c('data_date', 'VARCHAR'), // YYYY-MM-DD, when the provider's data was built
      c('licence', 'VARCHAR'),
      c('ranges', 'BIGINT'),
    ],
  },
  {
    name: 'geo_special',
    columns: [c('lo', 'ADDR', true), c('hi', 'ADDR', true), c('label', 'VARCHAR', true)],
  },
  // The IPv4 rows of geo_asn and geo_country once per /16 they overlap (b: the /16's number), as
  // 32-bit bounds: an IPv4 address finds its range by an equality join on its /16 and a test of
  // a few rows, instead of an ASOF join that sorts the whole range table at each enrichment.
  {
    name: 'geo_asn4',
    columns: [c('b', 'UINTEGER', true), c('lo', 'UINTEGER', true), c('hi', 'UINTEGER', true), c('asn', 'BIGINT'), c('org', 'VARCHAR'), c('src', 'USMALLINT')],
  },
  {
    name: 'geo_country4',
    columns: [c('b', 'UINTEGER', true), c('lo', 'UINTEGER', true), c('hi', 'UINTEGER', true), c('country', 'VARCHAR'), c('src', 'USMALLINT')],
  },
  {
    // Network owners and their contacts (CERT contact database): who gets told about which victims.
    name: 'owners',
    columns: [
      c('name', 'VARCHAR', true),
      c('asns', 'VARCHAR[]'),
      c('cidrs', 'VARCHAR[]'),
      c('emails', 'VARCHAR[]'),
      c('webhook_url', 'VARCHAR'),
      c('webhook_secret', 'VARCHAR'),
      c('language', 'VARCHAR'),
      c('interval_days', 'DOUBLE'),
      c('format', 'VARCHAR'),
    ],
    constraints: ['PRIMARY KEY (name)'],
  },
  {
    // The owners' address blocks and ASNs, as join keys: a block beats an ASN, a longer prefix a shorter.
    name: 'owner_keys',
    columns: [c('owner', 'VARCHAR', true), c('asn', 'BIGINT'), c('lo', 'ADDR'), c('hi', 'ADDR'), c('prefix', 'UTINYINT')],
  },
  {
    // The files an `ingest --prefilter` stored part of, where they were: indicators imported later
    // have them read again for the flows near the new indicators (telemetry/flow-rescan.ts). The
    // size and time tell whether the file is still the one imported.
    name: 'prefiltered_files',
    columns: [
      c('import_id', 'INTEGER', true),
      c('path', 'VARCHAR', true),
      c('size', 'BIGINT', true),
      c('mtime_ms', 'DOUBLE', true),
      c('reader', 'JSON', true), // FlowFileReader: the scan and the CSV's layout, or the line reader and its format
      // The newest import whose indicators the stored flows were read for (PrefilteredFile).
      // Stores from before this column: filled when opened (migrate.ts).
      c('covered_through', 'INTEGER'),
      // The earliest and latest flow start time in the file, stored or dropped: an intel import
      // does not read it for indicators whose windows miss this span. NULL: not known (never skipped).
      c('span_from', 'TIMESTAMP'),
      c('span_to', 'TIMESTAMP'),
    ],
  },
  {
    name: 'meta',
    columns: [c('key', 'VARCHAR', true), c('value', 'VARCHAR')],
    constraints: ['PRIMARY KEY (key)'],
  },
];

TABLES.push(...NOTIFY_TABLES, ...ACCESS_TABLES, ...DASHBOARD_TABLES, ...IDENTIFY_TABLES, ...DERIVED_TABLES);

export function table(name: string): Table {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}
