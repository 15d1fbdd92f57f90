// The Store contract on ClickHouse: the store's own bookkeeping (imports, the range data the
// enrich stage reads) with the queries DuckDB runs too (../imports.ts); the stages' own queries
// run on `driver`. What still lives only in the DuckDB store answers with one plain line
// (BotcensusError UNSUPPORTED), never a crash.
import { BotcensusError } from '../../core/errors.js';
import { ipLocationDb, type GeoSource } from '../../core/geo-data.js';
import { beginImport, findImport, finishImport, lastIndicatorImport, listImports } from '../imports.js';
import type { ImportKind, ImportMeta, ImportRow, LineCounts, Store } from '../store.js';
import type { ClickHouseDriver } from './driver.js';

/** The error of a Store method ClickHouse does not answer yet. */
export const notOnClickHouse = (what: string): BotcensusError => new BotcensusError('UNSUPPORTED', `not on ClickHouse yet: ${what}`);

const refuse = (what: string) => (): Promise<never> => Promise.reject(notOnClickHouse(what));

export class ClickHouseStore implements Store {
  readonly files = undefined;

  constructor(
    readonly driver: ClickHouseDriver,
    readonly geoSource: GeoSource = ipLocationDb(),
  ) {}

  close(): Promise<void> {
    return this.driver.close();
  }

  findImport(sha256: string, kind: ImportKind): Promise<ImportRow | undefined> {
    return findImport(this.driver, sha256, kind);
  }

  beginImport(meta: ImportMeta, counts?: Partial<LineCounts>, reserved?: number): Promise<number> {
    return beginImport(this.driver, meta, counts, reserved);
  }

  finishImport(id: number, counts: LineCounts, range?: { min: number; max: number }): Promise<void> {
    return finishImport(this.driver, id, counts, range);
  }

  listImports(): Promise<ImportRow[]> {
    return listImports(this.driver);
  }

  lastIndicatorImport(): Promise<number> {
    return lastIndicatorImport(this.driver);
  }

  /** ClickHouse keeps its own backups (clickhouse-backup, ALTER TABLE ... FREEZE on every shard). */
  backup = refuse('backup (use ClickHouse\'s own backups: ALTER TABLE ... FREEZE on every shard)');

}
