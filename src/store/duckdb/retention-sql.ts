// Retention of raw telemetry: flows and logs older than a cut-off are deleted, while the sightings
// (aggregated evidence), victims, devices and notifications drawn from them stay.
import type { RawTelemetryKind, RawTelemetrySpan } from '../store.js';
import type { Db } from './connection.js';

/** The raw tables of each kind that retention may prune. Shadowserver and scan reports describe devices and stay. */
export const RAW_TABLES: Record<RawTelemetryKind, string[]> = {
  flows: ['flows'],
  logs: ['dns', 'http', 'tls', 'alerts'],
};

export async function rawTelemetrySpan(db: Db): Promise<RawTelemetrySpan[]> {
  const out: RawTelemetrySpan[] = [];
  for (const [kind, tables] of Object.entries(RAW_TABLES) as [RawTelemetryKind, string[]][])
    for (const t of tables) {
      const r = await db.one<{ n: bigint; oldest: Date | null; newest: Date | null }>(`SELECT count(*) AS n, min(ts) AS oldest, max(ts) AS newest FROM ${t}`);
      out.push({ kind, table: t, rows: Number(r!.n), oldest: r!.oldest ?? undefined, newest: r!.newest ?? undefined });
    }
  return out;
}

/** Deletes the rows of each kind older than its cut-off, in one transaction; gives what went per table. */
export async function pruneRawTelemetry(db: Db, before: Partial<Record<RawTelemetryKind, Date>>): Promise<{ table: string; deleted: number }[]> {
  return db.transaction(async () => {
    const out: { table: string; deleted: number }[] = [];
    for (const [kind, cutoff] of Object.entries(before) as [RawTelemetryKind, Date | undefined][]) {
      if (!cutoff) continue;
      for (const t of RAW_TABLES[kind]) {
        const r = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t} WHERE ts < $1`, [cutoff.toISOString()]);
        const n = Number(r!.n);
        if (n > 0) await db.run(`DELETE FROM ${t} WHERE ts < $1::TIMESTAMP`, [cutoff.toISOString()]);
        out.push({ table: t, deleted: n });
      }
    }
    return out;
  });
}
