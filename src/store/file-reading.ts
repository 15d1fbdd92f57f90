// The fast paths of an engine that reads files itself: DuckDB reading a flow CSV, a Parquet file
// or a Zeek dns.log directly instead of the line readers. Optional (Store.files): the line readers
// give the same answers on any driver, and a fast path declines (undefined) whenever a line would
// need the line reader to explain it.
import type {
  DnsTsvLayout,
  FlowCandidateFiles,
  FlowCsvLayout,
  ImportMeta,
  ImportOutcome,
  LineCounts,
  NearRuns,
  ParquetFlowRead,
  PrefilteredFile,
} from './store.js';
import type { TelemetryTable } from './telemetry-rows.js';

/**
 * The matching step of an import a fast path loads (src/match's matchImport): run inside the
 * import's transaction once its rows are in; returns the new sightings.
 */
export type MatchStep = (importId: number, tables: TelemetryTable[]) => Promise<number>;

/**
 * What follows adding rows to a prefiltered import, in the same transaction: its flows matched
 * again against the indicators it lagged behind, and its file covered (src/match's coverPrefiltered).
 */
export type CoverStep = () => Promise<void>;

export interface FileReadingStore {
  /**
   * Loads an @ip-location-db numeric range file into the role's range table (bucketed as
   * core/geo-buckets.ts says); returns how many ranges.
   */
  loadNumericRanges(file: string, target: { role: 'asn' | 'country'; src: number; v4: boolean }): Promise<number>;
  /**
   * Imports a flow CSV that DuckDB can read itself, all or nothing; undefined when any value does
   * not convert, so the caller reads the file line by line and reports the bad lines.
   */
  importFlowCsv(
    meta: ImportMeta,
    file: string,
    layout: FlowCsvLayout,
    match: MatchStep,
    /** Runs after the rows are loaded, before the commit; throwing rejects the fast path. */
    verify?: () => Promise<void>,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined>;
  /**
   * Imports the lines the flow prefilter kept of a plain nfdump CSV (`file` itself is not read),
   * like importFlowCsv: undefined when a kept line does not convert. `prefiltered` is where the
   * file is, recorded so that indicators imported later can have it read again (prefilteredImports).
   */
  importFlowCandidates(
    meta: ImportMeta,
    kept: FlowCandidateFiles,
    layout: FlowCsvLayout,
    match: MatchStep,
    prefiltered?: PrefilteredFile,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined>;
  /**
   * Adds the lines a later scan of a prefiltered import's file kept to that import's flows, in one
   * transaction: lines already stored are left as they are. Then `cover` runs in the same
   * transaction: the import's sightings through the indicators past its old cover (imported while
   * the file could not be read) are matched again over all its flows, and the file is covered.
   * Returns how many flows were added; throws when a line does not convert (nothing changes then).
   */
  addPrefilteredFlows(importId: number, kept: FlowCandidateFiles, layout: FlowCsvLayout, cover: CoverStep): Promise<number>;
  /**
   * The same for a Parquet file, which DuckDB reads again: the rows with an address in the
   * networks `nets` holds.
   */
  addPrefilteredParquet(importId: number, file: string, read: ParquetFlowRead, nets: NearRuns, cover: CoverStep): Promise<number>;
  /**
   * Imports a Zeek dns.log that DuckDB can read itself, like importFlowCsv. `verify` returns how
   * many data lines the file has: a different row count means a line did not split into the
   * header's columns, and the caller reads the file line by line.
   */
  importZeekDns(
    meta: ImportMeta,
    file: string,
    layout: DnsTsvLayout,
    match: MatchStep,
    verify: () => Promise<number>,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined>;
  /** Column names and types of a Parquet file. */
  describeParquet(file: string): Promise<{ name: string; type: string }[]>;
  /**
   * Imports a Parquet flow file, all or nothing; a value that does not convert fails the import.
   * With `prefiltered` (ingest --prefilter), only the rows near an address indicator stored now
   * stay, and the file is recorded as importFlowCandidates records it.
   */
  importFlowParquet(
    meta: ImportMeta,
    file: string,
    read: ParquetFlowRead,
    match: MatchStep,
    prefiltered?: PrefilteredFile,
  ): Promise<ImportOutcome & { counts: LineCounts }>;
}
