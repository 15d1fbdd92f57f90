// Retention of raw telemetry: flows and logs older than a cut-off go, while the sightings
// (aggregated evidence), victims, devices and notifications drawn from them stay. Written once over
// the driver; how rows go is the driver's (dropRowsBefore: DuckDB deletes to the millisecond,
// ClickHouse drops whole days).
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { RawTelemetryKind, RawTelemetrySpan } from '../store/store.js';

/** The raw tables of each kind that retention may prune. Shadowserver and scan reports describe devices and stay. */
export const RAW_TABLES: Record<RawTelemetryKind, string[]> = {
  flows: ['flows'],
  logs: ['dns', 'http', 'tls', 'alerts'],
};

const count = async (d: Driver, name: string, before?: number): Promise<number> => {
  const older = before === undefined ? sql.empty : sql` AND t.ts < ${sql.time(before)}`;
  const r = await d.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM ${sql.ident(name)} t WHERE ${d.dialect.visibleRows(sql.ident('t'))}${older}`);
  return Number(r!.n);
};

/** Rows and time span of the raw flows and logs kept, per table. */
export async function rawTelemetrySpan(d: Driver): Promise<RawTelemetrySpan[]> {
  const out: RawTelemetrySpan[] = [];
  for (const [kind, tables] of Object.entries(RAW_TABLES) as [RawTelemetryKind, string[]][])
    for (const name of tables) {
      const r = await d.one<{ n: unknown; oldest: Date | null; newest: Date | null }>(
        sql`SELECT count(*) AS n, min(t.ts) AS oldest, max(t.ts) AS newest FROM ${sql.ident(name)} t WHERE ${d.dialect.visibleRows(sql.ident('t'))}`,
      );
      const rows = Number(r!.n);
      // An empty table has no span (ClickHouse answers min and max of no rows with zero).
      out.push({ kind, table: name, rows, oldest: rows ? (r!.oldest ?? undefined) : undefined, newest: rows ? (r!.newest ?? undefined) : undefined });
    }
  return out;
}

/**
 * Removes the rows of each kind older than its cut-off, all at once; gives how many went per
 * table (on ClickHouse, whole days go: the rows of the cut-off's own day stay).
 */
export async function pruneRawTelemetry(d: Driver, before: Partial<Record<RawTelemetryKind, Date>>): Promise<{ table: string; deleted: number }[]> {
  return d.atomically(async () => {
    const out: { table: string; deleted: number }[] = [];
    for (const [kind, cutoff] of Object.entries(before) as [RawTelemetryKind, Date | undefined][]) {
      if (!cutoff) continue;
      for (const name of RAW_TABLES[kind]) {
        let deleted = 0;
        if ((await count(d, name, cutoff.getTime())) > 0) {
          const kept = await count(d, name);
          await d.dropRowsBefore(table(name), 'ts', cutoff.getTime());
          deleted = kept - (await count(d, name));
        }
        out.push({ table: name, deleted });
      }
    }
    return out;
  });
}
