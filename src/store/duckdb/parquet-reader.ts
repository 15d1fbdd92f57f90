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
import { sql } from '../sql.js';
import type { ParquetFlowRead } from '../store.js';
import { DuckDbStore } from './index.js';

/** Flows handed on at once: a bounded batch, whatever the file's size. */
const BATCH = 50_000;

async function withScratchStore<T>(fn: (store: DuckDbStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'botcensus-parquet-'));
  try {
    const store = await DuckDbStore.open(join(dir, 'scratch.duckdb'));
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Column names and types of a Parquet file. */
export function describeParquetFile(file: string): Promise<{ name: string; type: string }[]> {
  return withScratchStore((store) => store.files.describeParquet(file));
}

const optionalNumber = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const optionalText = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/**
 * Reads a Parquet flow file's rows as flow records, `onBatch` taking them in order of their row
 * number; all or nothing: a value that does not convert throws (BAD_INPUT, with its row and
 * field) before the first batch. Returns the file's counts.
 */
export function readParquetFlows(file: string, read: ParquetFlowRead, onBatch: (records: FlowRecord[]) => Promise<void>): Promise<LineCounts> {
  return withScratchStore(async (store) => {
    const meta = { kind: 'telemetry' as const, format: 'parquet', file, sha256: 'scratch' };
    const { counts } = await store.files.importFlowParquet(meta, file, read, async () => 0);
    const d = store.driver;
    const ms = (col: string) => d.dialect.epochMs(sql.ident(col));
    let after = -1;
    for (;;) {
      const rows = await d.all<Record<string, unknown>>(
        sql`SELECT line, ${ms('ts')} AS ts, ${ms('te')} AS te, src, dst, sport, dport, proto, bytes, packets, rev_bytes, rev_packets, state
            FROM flows WHERE line > ${after} ORDER BY line LIMIT ${BATCH}`,
      );
      if (!rows.length) break;
      after = Number(rows.at(-1)!.line);
      await onBatch(
        rows.map((r) => ({
          kind: 'flow',
          line: Number(r.line),
          ts: Number(r.ts),
          te: optionalNumber(r.te),
          src: BigInt(r.src as bigint),
          dst: BigInt(r.dst as bigint),
          sport: optionalNumber(r.sport),
          dport: optionalNumber(r.dport),
          proto: optionalText(r.proto),
          bytes: optionalNumber(r.bytes),
          packets: optionalNumber(r.packets),
          revBytes: optionalNumber(r.rev_bytes),
          revPackets: optionalNumber(r.rev_packets),
          state: optionalText(r.state),
        })),
      );
    }
    return counts;
  });
}
