// Database rows to contract types.
import type { ImportRow, IndicatorRow } from '../store.js';

export type RawImport = Record<string, unknown> & { id: number; examples: string | null; skipped: string | null };
export type RawIndicator = Record<string, unknown>;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

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
    prefiltered: r.prefiltered === null || r.prefiltered === undefined ? undefined : Number(r.prefiltered),
    shortRows: r.short_rows === null || r.short_rows === undefined ? undefined : Number(r.short_rows),
    minTs: opt(r.min_ts as Date | null),
    maxTs: opt(r.max_ts as Date | null),
  };
}

export function indicatorRow(r: RawIndicator): IndicatorRow {
  return {
    id: Number(r.id),
    source: r.source as string,
    family: opt(r.family as string | null),
    type: r.type as string,
    value: r.value as string,
    tags: (r.tags as string[] | null) ?? [],
    category: opt(r.category as string | null),
    description: opt(r.description as string | null),
    firstSeen: opt(r.first_seen as Date | null),
    lastSeen: opt(r.last_seen as Date | null),
    timeframe: opt(r.timeframe as string | null),
    forDetection: Boolean(r.for_detection),
    warnings: (r.warnings as string[] | null) ?? [],
    victims: num(r.victims),
  };
}
