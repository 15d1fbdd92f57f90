// Exports stored indicators for other tools: Zeek Intel, CSV (which botcensus re-imports), STIX 2.1, MISP.
import type { IndicatorRow } from '../store/store.js';
import { toIntelCsv } from './csv-export.js';
import type { IndicatorRecord, IndicatorType } from '../core/model/indicator.js';
import { makeIndicator, parseIndicator } from './normalize.js';
import { toMispEvent } from './misp-export.js';
import { toStixBundle } from './stix-export.js';
import { toZeekIntel } from './zeek-intel.js';

export type ExportFormat = 'zeek-intel' | 'csv' | 'stix' | 'misp';

/** A stored row back to the record the writers take (the canonical value re-parses to itself). */
export function rowToRecord(r: IndicatorRow): IndicatorRecord {
  return makeIndicator(parseIndicator(r.value, 'value', r.type as IndicatorType), 0, {
    tags: r.tags,
    category: r.category,
    description: r.description,
    firstSeen: r.firstSeen?.getTime(),
    lastSeen: r.lastSeen?.getTime(),
    timeframe: r.timeframe,
    forDetection: r.forDetection,
  });
}

export function exportIndicators(rows: IndicatorRow[], format: ExportFormat): string {
  const records = rows.map(rowToRecord);
  switch (format) {
    case 'csv':
      return toIntelCsv(records);
    case 'stix':
      return JSON.stringify(toStixBundle(records), null, 2) + '\n';
    case 'misp':
      return JSON.stringify(toMispEvent(records), null, 2) + '\n';
    case 'zeek-intel':
      return toZeekIntel(records, rows[0]?.source ?? 'botcensus');
  }
}
