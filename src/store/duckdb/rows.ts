// Database rows to contract types.
import type { IndicatorRow } from '../store.js';

export { importRow, type RawImport } from '../import-row.js';
export type RawIndicator = Record<string, unknown>;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

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
