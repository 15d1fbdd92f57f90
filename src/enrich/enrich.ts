// The enrich stage: every victim address gets its AS, organisation and country from offline range
// data (ranges-sql.ts, hosts-sql.ts), once per address and again when the data changes.
import type { Store } from '../store/store.js';
import { enrichHosts } from './hosts-sql.js';
import { ensureRanges } from './ranges-sql.js';

/**
 * Enriches the victims not enriched yet (only those of one telemetry import when `importId` is
 * given; every one with `refresh`, the range data loaded again); returns how many were enriched.
 */
export async function enrichVictims(store: Store, opts: { importId?: number; refresh?: boolean } = {}): Promise<number> {
  await ensureRanges(store, opts.refresh);
  return enrichHosts(store.driver, opts.importId);
}

export { enrichmentSources, geoChain, setGeoChain } from './chain-sql.js';
export { hostEnrichment } from './hosts-sql.js';
