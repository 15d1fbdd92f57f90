// A stored import row (table imports) as the contract's ImportRow, on any driver.
import type { ImportRow } from './store.js';

export type RawImport = Record<string, unknown> & { id: number; examples: string | null; skipped: string | null };

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const optNum = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

export function importRow(r: RawImport): ImportRow {
  return {
    id: Number(r.id),
    kind: r.kind as ImportRow['kind'],
    format: r.format as string,
    file: r.file as string,
    sha256: r.sha256 as string,
    source: opt(r.source as string | null),
    sensor: opt(r.sensor as string | null),
    importedAt: r.imported_at as Date,
    lines: num(r.lines),
    records: num(r.records),
    framing: num(r.framing),
    rejected: num(r.rejected),
    duplicates: num(r.duplicates),
    examples: r.examples ? JSON.parse(r.examples) : [],
    skipped: r.skipped ? JSON.parse(r.skipped) : [],
    prefiltered: optNum(r.prefiltered),
    shortRows: optNum(r.short_rows),
    minTs: opt(r.min_ts as Date | null),
    maxTs: opt(r.max_ts as Date | null),
  };
}
