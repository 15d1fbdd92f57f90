// Where a store's enrichment came from, in words: each provider in the order asked, its data
// date and licence, and a warning for data old enough that addresses have moved since.
import type { EnrichmentSource } from '../store/store.js';

/** Range data older than this is flagged: address blocks change hands and routes move. */
export const STALE_DAYS = 90;
const DAY = 86_400_000;

/** Whole days from a YYYY-MM-DD data date to `now`, or undefined without a date. */
export function ageDays(dataDate: string | undefined, now: number): number | undefined {
  if (!dataDate) return undefined;
  const t = Date.parse(`${dataDate}T00:00:00Z`);
  return Number.isNaN(t) ? undefined : Math.floor((now - t) / DAY);
}

/** "GeoLite2-ASN (data 2024-05-01, 240 days old)". */
export function sourceLabel(name: string, dataDate: string | undefined, now: number): string {
  const age = ageDays(dataDate, now);
  if (age === undefined) return `${name} (data date unknown)`;
  return `${name} (data ${dataDate}, ${age} days old${age > STALE_DAYS ? `: older than ${STALE_DAYS} days` : ''})`;
}

/** One line per role: the providers in the order asked, with data date and licence. */
export function describeSources(sources: EnrichmentSource[], now: number): string[] {
  const line = (role: 'asn' | 'country', title: string) => {
    const ps = sources.filter((s) => s.role === role);
    if (!ps.length) return [];
    return [`${title}, first answer wins: ${ps.map((s) => `${sourceLabel(s.name, s.dataDate, now)}${s.licence ? `, ${s.licence}` : ''}`).join('; then ')}.`];
  };
  return [
    ...line('asn', 'AS numbers and names'),
    ...line('country', 'Countries'),
    'Addresses in the IANA special-purpose registries (private, shared, loopback, link-local, documentation, benchmarking, multicast, reserved) get no country or AS.',
  ];
}

/** A warning per provider whose data is older than STALE_DAYS. */
export function staleWarnings(sources: EnrichmentSource[], now: number): string[] {
  return sources
    .filter((s) => (ageDays(s.dataDate, now) ?? 0) > STALE_DAYS)
    .map((s) => `${s.role === 'asn' ? 'ASN' : 'country'} data ${s.name} is from ${s.dataDate}, ${ageDays(s.dataDate, now)} days ago: older than ${STALE_DAYS} days, addresses may have moved since (botcensus enrich --refresh after updating it)`);
}
