// Folds indicators that repeat within one file (same type and value) into one record.
import type { IndicatorRecord } from './indicator.js';

export interface MergeResult {
  indicators: IndicatorRecord[];
  /** Records folded into an earlier one. */
  duplicates: number;
}

/**
 * Keeps the first occurrence and widens it: tags are united, the validity window becomes the union
 * (an open end on either side stays open), a differing category is kept as a tag so nothing is
 * lost, distinct descriptions are joined, and detection is allowed if any occurrence allows it.
 */
export function mergeDuplicates(list: readonly IndicatorRecord[]): MergeResult {
  const byKey = new Map<string, IndicatorRecord>();
  const out: IndicatorRecord[] = [];
  let duplicates = 0;
  for (const rec of list) {
    const key = `${rec.type}\u0000${rec.value}`;
    const first = byKey.get(key);
    if (!first) {
      const copy = { ...rec, tags: [...rec.tags] };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    duplicates++;
    mergeInto(first, rec);
  }
  return { indicators: out, duplicates };
}

function mergeInto(into: IndicatorRecord, other: IndicatorRecord): void {
  for (const t of other.tags) addTag(into, t);
  if (other.category && other.category !== into.category) {
    if (into.category === undefined) into.category = other.category;
    else addTag(into, other.category);
  }
  if (other.description && other.description !== into.description) {
    const parts = into.description ? into.description.split(' | ') : [];
    if (!parts.includes(other.description)) into.description = [...parts, other.description].join(' | ');
  }
  if (other.timeframe && other.timeframe !== into.timeframe) {
    const parts = into.timeframe ? into.timeframe.split(' | ') : [];
    if (!parts.includes(other.timeframe)) into.timeframe = [...parts, other.timeframe].join(' | ');
  }
  into.firstSeen = into.firstSeen === undefined || other.firstSeen === undefined ? undefined : Math.min(into.firstSeen, other.firstSeen);
  into.lastSeen = into.lastSeen === undefined || other.lastSeen === undefined ? undefined : Math.max(into.lastSeen, other.lastSeen);
  if (into.firstSeen === undefined) delete into.firstSeen;
  if (into.lastSeen === undefined) delete into.lastSeen;
  into.forDetection = into.forDetection || other.forDetection;
}

function addTag(rec: IndicatorRecord, tag: string): void {
  if (!rec.tags.includes(tag)) rec.tags.push(tag);
}
