// `lookup` of one address with its enrichment: the store's evidence and near misses, and the AS,
// country and provider of the address from this stage (which also names its owner by AS).
import type { LookupEvidence, LookupResult, MatchOptions, Store } from '../store/store.js';
import { hostEnrichment } from './hosts-sql.js';

export async function lookupAddress(store: Store, ip: bigint, match: MatchOptions): Promise<LookupResult> {
  return store.lookup(ip, match, await hostEnrichment(store.driver, ip));
}

export async function lookupEvidenceOf(store: Store, ip: bigint): Promise<LookupEvidence> {
  return store.lookupEvidence(ip, await hostEnrichment(store.driver, ip));
}
