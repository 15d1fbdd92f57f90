// CSV export of indicators, in the column names the text-list importer recognises, so it reads back unchanged.
import type { IndicatorRecord } from '../core/model/indicator.js';
import { joinTags, quoteCell } from './split-cells.js';

/**
 * The eight documented columns, then for_detection (only "false" is ever written) so indicators a
 * source marked "not for detection" stay that way on re-import, then the timeframe as the source
 * wrote it (first_seen/last_seen hold the window parsed from it). Times are ISO 8601 UTC.
 */
export const CSV_COLUMNS = ['type', 'value', 'port', 'tags', 'category', 'first_seen', 'last_seen', 'description', 'for_detection', 'timeframe'] as const;

export function toIntelCsv(indicators: readonly IndicatorRecord[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const rec of indicators) {
    const cells = [
      rec.type,
      rec.value,
      rec.port === undefined ? '' : String(rec.port),
      joinTags(rec.tags),
      rec.category ?? '',
      rec.firstSeen === undefined ? '' : new Date(rec.firstSeen).toISOString(),
      rec.lastSeen === undefined ? '' : new Date(rec.lastSeen).toISOString(),
      rec.description ?? '',
      rec.forDetection ? '' : 'false',
      rec.timeframe ?? '',
    ];
    rows.push(cells.map((c) => quoteCell(c)).join(','));
  }
  return rows.join('\n') + '\n';
}
