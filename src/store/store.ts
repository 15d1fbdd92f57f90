// The store contract: the imports and questions the stages ask of the store. Stages that own
// their queries (src/identify, src/notify, src/server/auth) run them on `driver` (driver.ts) with the `sql`
// template instead. DuckDB implements both (duckdb/); every driver passes conformance/.
import type { IndicatorRecord, SkippedSection, WarningEntry } from '../core/model/indicator.js';
import type { RejectedLine } from '../core/reader.js';
import type { IndicatorRow } from '../core/model/indicator-row.js';
import type { LineCounts } from '../core/model/line-counts.js';
import type { TelemetryRecord } from '../core/model/telemetry.js';
import type { Driver } from './driver.js';
import type { FileReadingStore } from './file-reading.js';

export type ImportKind = 'intel' | 'warninglist' | 'telemetry' | 'kev';

export interface ImportMeta {
  kind: ImportKind;
  format: string;
  /** The file as the user named it. */
  file: string;
  /** SHA-256 of the file's bytes: the same content is imported once. */
  sha256: string;
  source?: string;
  sensor?: string;
}

export interface ImportRow extends ImportMeta {
  id: number;
  importedAt: Date;
  lines: number;
  records: number;
  framing: number;
  rejected: number;
  duplicates: number;
  examples: RejectedLine[];
  skipped: SkippedSection[];
  /** Flow records checked but not stored (ingest --prefilter). */
  prefiltered?: number;
  /** Rows read with their last (optional) columns missing. */
  shortRows?: number;
  minTs?: Date;
  maxTs?: Date;
}

export type { LineCounts };

/** What matching considers: an indicator matches within [first_seen - grace, last_seen + grace]. */
export interface MatchOptions {
  /** Widening of every validity window, in milliseconds. */
  graceMs: number;
  /** Leave enrichment of new victims to a later enrichVictims (src/enrich): batch imports do it once at the end. */
  deferEnrich?: boolean;
}

export interface IntelImport {
  meta: ImportMeta;
  counts: LineCounts;
  indicators: IndicatorRecord[];
  warnings: WarningEntry[];
  /** Family name given to these indicators (defaults to the source). */
  family?: string;
  /**
   * For a file too large to hold: its indicators in batches (after `indicators`), written as they
   * come inside the import's transaction. The feed's counts replace `counts`; indicators repeated
   * across batches are folded as mergeDuplicates folds them, and counted as duplicates.
   */
  feed?: IntelFeed;
  /** Refuses the import (by throwing) once the feed's counts are known. */
  check?: (counts: LineCounts) => void;
}

/** Hands an intel file's indicators over in batches; resolves to what reading the file amounted to. */
export type IntelFeed = (write: (indicators: IndicatorRecord[]) => Promise<void>) => Promise<LineCounts>;

export interface ImportOutcome {
  importId: number;
  /** Milliseconds spent loading rows and matching them, where the driver measures them. */
  timings?: { loadMs: number; matchMs: number };
  /** New sightings the import produced (matching both ways). */
  sightings: number;
  /** Sightings removed because a victim turned out to be an indicator itself. */
  retracted: number;
}

/**
 * What the flow prefilter kept of a plain nfdump CSV (src/telemetry/prefilter/flow-prefilter.ts): per chunk
 * of the file, a CSV of `<index>,<src>,<dst>,<line>` whose index 0 is file line `firstLine`, the
 * addresses as IPv4 numbers where they are plain dotted quads.
 */
export interface FlowCandidateFiles {
  /** Data lines (after the header), blank ones included. */
  lines: number;
  blank: number;
  kept: number;
  chunks: { file: string; firstLine: number }[];
  /** The earliest and latest start time among the lines the scan checked (every one it dropped), in ms. */
  span?: TimeSpan;
}

/** Indicators by the import that brought them, and by whether their window meets a time span. */
export interface IndicatorSelection {
  after?: number;
  through?: number;
  during?: TimeSpan & { graceMs: number };
}

/**
 * Networks near address indicators (core/flow-near.ts), as runs of keys, both ends in: IPv4 /24s
 * (an address >> 8) and IPv6 /48s (an address >> 80).
 */
export interface NearRuns {
  v4: [number, number][];
  v6: [number, number][];
}

/** A time range in ms since the epoch, both ends included. */
export interface TimeSpan {
  from: number;
  to: number;
}

/** Where a flow file was when it was imported, and what it was like then. */
export interface FlowFileSource {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** How a prefiltered import's file is read again: by the prefilter's scan (a plain nfdump CSV), line by line, or by DuckDB (Parquet). */
export type FlowFileReader =
  | { reader: 'scan'; layout: FlowCsvLayout; tz?: string }
  | { reader: 'lines'; format: string; tz?: string }
  | ParquetFlowRead;

/** A Parquet flow file: DuckDB reads it, the row number standing for the line. */
export interface ParquetFlowRead {
  reader: 'parquet';
  columns: FlowFileColumns;
  timeKind: FlowTimeKind;
}

/**
 * A prefiltered import's file: where it was, what it was like, how to read it again, when its
 * flows start, and the indicators its stored flows were read for: those of the imports up to
 * `coveredThrough` (an import id; 0 for none). A file that could not be read again for later
 * indicators lags behind them until it can (flow-rescan.ts).
 */
export type PrefilteredFile = FlowFileSource & {
  read: FlowFileReader;
  coveredThrough: number;
  /**
   * The start times of the flows it dropped (given at import; the store adds those of the flows it
   * kept), so that indicators whose windows miss the file need not have it read again.
   */
  span?: TimeSpan;
};

/**
 * A read of a prefiltered import's file again covers the indicators of the imports after `from`
 * up to `through` (besides those about to be imported). Those up to `from` were covered before.
 */
export interface PrefilteredCover {
  from: number;
  through: number;
  graceMs: number;
}

/** A telemetry import that stored only the flows near an indicator (ingest --prefilter). */
export interface PrefilteredImport {
  importId: number;
  /** The name it was imported under. */
  file: string;
  sha256: string;
  /** Flow records checked but not stored. */
  prefiltered: number;
  /** Where the file was and how it was read; undefined for an import from before this was recorded. */
  source?: PrefilteredFile;
}

/** Where the fields of a flow CSV are, for the fast path where DuckDB reads the file itself. */
export interface FlowCsvLayout {
  /** Column names of the header line (the file's first line). */
  names: string[];
  /** Column indexes. */
  start: number;
  startKind: FlowTimeKind;
  end?: number;
  /** Duration in seconds, when there is no end column. */
  duration?: number;
  src: number;
  dst: number;
  sport?: number;
  dport?: number;
  proto?: number;
  bytes?: number;
  packets?: number;
}

/** Where the fields of a Zeek dns.log are, for the fast path where DuckDB reads the file itself. */
export interface DnsTsvLayout {
  /** Column names ("#fields"). */
  names: string[];
  /** "#" lines before the first data line. */
  headerLines: number;
  /** Column indexes. */
  ts: number;
  client: number;
  server?: number;
  query: number;
  qtypeName?: number;
  qtype?: number;
  answers?: number;
  /** The answers column is a set or vector (split on ','), not one value. */
  answersIsSet: boolean;
}

/** Column names of a Parquet flow file, per field. */
export interface FlowFileColumns {
  start: string;
  end?: string;
  duration?: string;
  src: string;
  dst: string;
  sport?: string;
  dport?: string;
  proto?: string;
  bytes?: string;
  packets?: string;
}

export type FlowTimeKind = 'text' | 'epoch-s' | 'epoch-ms' | 'epoch-ns';

/** Receives a telemetry file's records in batches, inside the import's transaction. */
export type TelemetryFeed = (write: (records: TelemetryRecord[]) => Promise<void>) => Promise<LineCounts>;

export interface IndicatorFilter {
  type?: string;
  source?: string;
  limit?: number;
}

export type { IndicatorRow };

/** A network constituency, as a CERT's country or an ISP's HOME_NET. */
export interface Constituency {
  countries: string[];
  asns: number[];
  /** Ranges as [lo, hi] integers from core/ip. */
  ranges: [bigint, bigint][];
}

export type Measure = 'active' | 'window' | 'cumulative';
export type CensusDimension =
  | 'country'
  | 'asn'
  | 'org'
  | 'family'
  | 'tag'
  | 'indicator'
  | 'kind'
  | 'grade'
  | 'device'
  | 'vendor'
  | 'device-vendor'
  | 'product'
  | 'cve';
export type Grade = 'confirmed' | 'two-way' | 'one-way';

export interface CensusQuery {
  by: CensusDimension;
  measure: Measure;
  /** Window [from, to] in epoch ms; the caller resolves it from the measure. */
  from?: number;
  to?: number;
  top: number;
  constituency?: Constituency;
  /** Count victims outside the constituency too. */
  includeOutside?: boolean;
  /** Count victims on a warninglist too. */
  includeWarned?: boolean;
  minGrade?: Grade;
  /** Only victims whose most specific owner is this one: nothing about other networks is counted. */
  owner?: string;
  /** Only the totals, no rows (the other measures of a census headline): one question instead of two. */
  totalsOnly?: boolean;
}

export interface CensusRow {
  key: string;
  /** Human label: country name, AS organisation, ... */
  label: string;
  count: number;
  share: number;
}

export interface CensusResult {
  rows: CensusRow[];
  others?: CensusRow;
  total: number;
  /** What was counted: "devices" when device identifiers collapsed addresses, else "addresses". */
  unit: 'addresses' | 'devices';
  /** Distinct addresses behind the total (equals total when unit is addresses). */
  addresses: number;
  /** Victims left out, and why. */
  excluded: { warninglisted: number; outsideConstituency: number };
}

export interface VictimFilter {
  country?: string;
  asn?: number;
  family?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
  constituency?: Constituency;
  /** Only victims whose most specific owner is this one. */
  owner?: string;
}

export interface VictimRow {
  ip: string;
  country?: string;
  asn?: number;
  asOrg?: string;
  families: string[];
  indicators: string[];
  kinds: string[];
  grade: Grade;
  firstSeen: Date;
  lastSeen: Date;
  events: number;
  deviceId?: string;
  warnings: string[];
  /** The most specific owner from the contact database, if any. */
  owner?: string;
  /** The special-purpose block (private, shared, documentation, ...) the address lies in: then no country or AS. */
  special?: string;
}

export interface EvidenceRow {
  indicator?: string;
  indicatorSource?: string;
  kind: string;
  detail?: string;
  firstSeen: Date;
  lastSeen: Date;
  events: number;
  bytes: number;
  direction: 'both' | 'to-indicator' | 'from-indicator' | 'n/a';
  grade: Grade;
  file: string;
  firstLine?: number;
}

export interface NearMiss {
  indicator: string;
  kind: string;
  ts: Date;
  file: string;
  line: number;
  reason: string;
}

/** One address's evidence: quick to answer, read from the store's folded sightings. */
export interface LookupEvidence {
  ip: string;
  host?: HostEnrichment;
  isIndicator: IndicatorRow[];
  warnings: string[];
  evidence: EvidenceRow[];
  /** The most specific owner from the contact database, if any. */
  owner?: string;
  /** Services seen on the address (scans, passive telemetry), per port, protocol and source. */
  services: LookupService[];
  /** The devices identified on the address (the latest first), with their evidence and KEV exposures. */
  devices: LookupDevice[];
}

export interface LookupService {
  port?: number;
  transport?: string;
  protocol: string;
  source: string;
  firstSeen: Date;
  lastSeen: Date;
  events: number;
  file: string;
  line: number;
}

export interface LookupDevice {
  device: string;
  stable: boolean;
  vendor?: string;
  product?: string;
  version?: string;
  deviceType?: string;
  /** When this device held the address. */
  firstSeen: Date;
  lastSeen: Date;
  /** What identified it: the banner and rule, with the file and line of the service. */
  evidence: { source: string; banner: string; fingerprint: string; file?: string; line?: number }[];
  exposures: { cveID: string; name?: string; level: string; matchedOn: string }[];
}

/** An address's enrichment and where each part came from. */
export interface HostEnrichment {
  asn?: number;
  asOrg?: string;
  country?: string;
  /** The provider that answered (the ASN's, else the country's), 'report' or 'special-purpose'. */
  source?: string;
  /** The special-purpose block it lies in ("Private-Use (RFC 1918)"): no country or AS then. */
  special?: string;
  /** The provider (EnrichmentSource.name) that gave the ASN, and its data date. */
  asnSource?: string;
  asnDataDate?: string;
  countrySource?: string;
  countryDataDate?: string;
}

export type { GeoChain } from '../core/providers.js';
import type { GeoSource } from '../core/geo-data.js';

/** One provider of a store's enrichment, as loaded. */
export interface EnrichmentSource {
  role: 'asn' | 'country';
  /** "GeoLite2-ASN", "RouteViews pfx2as", "@ip-location-db/asn", ... */
  name: string;
  file?: string;
  /** When its data was built, YYYY-MM-DD, if known. */
  dataDate?: string;
  licence?: string;
  ranges: number;
}

/** What the raw telemetry says of one address beyond its evidence (a scan of the telemetry). */
export interface NearMissResult {
  nearMisses: NearMiss[];
  telemetryRows: number;
}

export type LookupResult = LookupEvidence & NearMissResult;

/** A network owner from `owners import`: who is told about victims in its ASNs and blocks. */
export interface Owner {
  name: string;
  asns: number[];
  /** CIDR blocks as text. */
  cidrs: string[];
  emails: string[];
  webhookUrl?: string;
  webhookSecret?: string;
  /** Message language: 'en' or 'fr'. */
  language: string;
  /** Days before a victim already reported to this owner is reported again without new evidence. */
  intervalDays: number;
  format: 'csv-attachment' | 'csv-inline' | 'json';
}

export interface OwnerRow extends Owner {
  /** Victims (all time) whose most specific owner this is. */
  victims: number;
}

export interface Store {
  /** The engine under the contract: the stages' own queries (src/identify, src/notify, src/server/auth) run on it. */
  readonly driver: Driver;
  close(): Promise<void>;
  findImport(sha256: string, kind: ImportKind): Promise<ImportRow | undefined>;
  /**
   * Registers a new import of a stage's own (a scan file, the KEV catalog), inside the stage's
   * `driver.atomically`; returns its id: `reserved`, when the stage took one from
   * `driver.nextId('imports', 'id')` before (its rows carry it before the import's row is written).
   */
  beginImport(meta: ImportMeta, counts?: Partial<LineCounts>, reserved?: number): Promise<number>;
  /**
   * An import's counts and the time range of its records (epoch ms), once its rows are in (and
   * before anything reads them: a driver fills the rows' derived columns here where it must).
   */
  finishImport(id: number, counts: LineCounts, range?: { min: number; max: number }): Promise<void>;
  listImports(): Promise<ImportRow[]>;
  /**
   * The fast paths of an engine that reads CSV, Parquet and dns.log files itself (capabilities
   * read-csv, read-parquet, read-dns-log); undefined on one that does not, where the line readers
   * give the same answers.
   */
  readonly files?: FileReadingStore;
  /** The id of the newest import that stored indicators (0 when none has). */
  lastIndicatorImport(): Promise<number>;
  /** The zero-setup range data the enrich stage answers from after the store's own chain. */
  readonly geoSource: GeoSource;
  /**
   * Where the engine allows: the same store for questions only, seeing committed data while this
   * one holds an import open (a server asks through it). Closed before this one.
   */
  reader?(): Promise<Store>;
  /**
   * Writes a consistent copy of the whole store into an empty folder (DuckDB: the database copied
   * into `store.duckdb` there).
   */
  backup(dir: string): Promise<void>;
}

/** Raw telemetry as retention sees it: flows, and logs (DNS, HTTP, TLS, IDS alerts). */
export type RawTelemetryKind = 'flows' | 'logs';

export interface RawTelemetrySpan {
  kind: RawTelemetryKind;
  table: string;
  rows: number;
  oldest?: Date;
  newest?: Date;
}
