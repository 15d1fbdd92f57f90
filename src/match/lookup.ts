// `lookup` of one address: its enrichment (src/enrich), the evidence behind it and the telemetry
// that touched an indicator without counting. The command and the server's routes ask through here.
import type { LookupEvidence, LookupResult, MatchOptions, Store } from '../store/store.js';
import type { Sql } from '../store/sql.js';
import { hostEnrichment } from '../enrich/hosts-sql.js';
import { lookupEvidence } from './lookup-evidence.js';
import { lookupNearMisses } from './lookup-near-misses.js';

export { lookupNearMisses };

/** Everything about one address, read from the sightings themselves (one question: no fold is worth building). */
export async function lookupAddress(store: Pick<Store, 'driver'>, ip: bigint, match: MatchOptions): Promise<LookupResult> {
  const host = await hostEnrichment(store.driver, ip);
  return { ...(await lookupEvidence(store.driver, ip, host)), ...(await lookupNearMisses(store.driver, ip, match)) };
}

/**
 * The evidence part only, what a dashboard shows first; from `sightings` (see lookupEvidence) where
 * the caller has a relation quicker to read for one victim.
 */
export async function lookupEvidenceOf(store: Pick<Store, 'driver'>, ip: bigint, sightings?: Sql): Promise<LookupEvidence> {
  return lookupEvidence(store.driver, ip, await hostEnrichment(store.driver, ip), sightings);
}
