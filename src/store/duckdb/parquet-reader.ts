// Parquet for a store whose engine does not read files itself (ClickHouse). An embedded DuckDB, in
// a scratch folder deleted afterwards, converts the file exactly as the DuckDB store's fast path
// does (the same column conversions and checks, the row number standing for the line, the first
// bad row and field named), and hands its flows on as flow records, in batches, to be written
// through the store's own driver like the records of any line reader.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowRecord } from '../../core/model/telemetry.js';
import type { LineCounts } from '../../core/model/line-counts.js';
import { table, type Column } from '../schema.js';
import { sql } from '../sql.js';
import type { ParquetFlowRead } from '../store.js';
import { fieldOfColumn } from '../telemetry-rows.js';
import { DuckDbStore } from './index.js';

/** Flows handed on at once: a bounded batch, whatever the file's size. */
const BATCH = 50_000;

/** The flow columns a record carries (the import's id and the derived keys are the store's). */
const FLOW_COLUMNS = table('flows').columns.filter((c) => !c.from && c.name !== 'import_id');

export interface ParquetReader {
  /** Column names and types of a Parquet file. */
  describe(file: string): Promise<{ name: string; type: string }[]>;
  /**
   * Reads a Parquet flow file's rows as flow records, `onBatch` taking them in order of their row
   * number; all or nothing: a value that does not convert throws (BAD_INPUT, with its row and
   * field) before the first batch. Returns the file's counts.
   */
  readFlows(file: string, read: ParquetFlowRead, onBatch: (records: FlowRecord[]) => Promise<void>): Promise<LineCounts>;
}

/** A record field's value from a column's (times as epoch ms, addresses bigint, counts numbers). */
function fieldValue(c: Column, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (c.type === 'address') return BigInt(v as bigint);
  if (c.type === 'text') return String(v);
  return Number(v);
}

/** Runs `fn` with a reader on an embedded DuckDB in a scratch folder, removed when `fn` returns. */
export async function withParquetReader<T>(fn: (reader: ParquetReader) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'botcensus-parquet-'));
  try {
    const store = await DuckDbStore.open(join(dir, 'scratch.duckdb'));
    try {
      return await fn({
        describe: (file) => store.files.describeParquet(file),
        readFlows: async (file, read, onBatch) => {
          const meta = { kind: 'telemetry' as const, format: 'parquet', file, sha256: `scratch:${file}` };
          const { importId, counts } = await store.files.importFlowParquet(meta, file, read, async () => 0);
          const d = store.driver;
          const select = sql.join(FLOW_COLUMNS.map((c) => (c.type === 'time' ? sql`${d.dialect.epochMs(sql.ident(c.name))} AS ${sql.ident(c.name)}` : sql.ident(c.name))));
          for (let after = -1; ; ) {
            const rows = await d.all<Record<string, unknown>>(
              sql`SELECT ${select} FROM flows WHERE import_id = ${importId} AND line > ${after} ORDER BY line LIMIT ${BATCH}`,
            );
            if (!rows.length) break;
            after = Number(rows.at(-1)!.line);
            await onBatch(
              rows.map((r) => {
                const flow: Record<string, unknown> = { kind: 'flow' };
                for (const c of FLOW_COLUMNS) flow[fieldOfColumn(c.name)] = fieldValue(c, r[c.name]);
                return flow as unknown as FlowRecord;
              }),
            );
          }
          return counts;
        },
      });
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
