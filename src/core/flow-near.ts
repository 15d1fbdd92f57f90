// What the flow prefilter (`ingest --prefilter`) means by a flow address "near" an address
// indicator, on the store's 128-bit address numbers. One definition for every path that decides
// it: the WebAssembly scan (flow-prefilter.wat), the line reader and the rescans (NearNets), and
// the Parquet path's SQL (flow-file-sql.ts).
//
// - IPv4 (an IPv4-mapped number, ::ffff:0:0/96, whatever its text): the address is in a /24 that
//   the indicator's range overlaps.
// - IPv6 (any other number): the address is in a /48 that the indicator's range overlaps; for an
//   indicator wider than a /48 that is the indicator itself. The IPv4-mapped part of an
//   indicator's range counts as IPv4 only.
//
// Why /24 and /48: each is the longest prefix the global routing table carries (longer
// announcements are filtered), so the smallest network that one party routes; a /48 is also the
// end site that RIR policy (RIPE-690, ARIN's) has an ISP assign to one customer, and what a
// hosting provider hands out in /64s per server. A /64 would miss a C2 that moved to the next
// server of the same provider, or a victim's privacy address in a neighbouring subnet of its
// site; a /32 would keep every flow of a whole ISP that has one indicator in it. Any superset of
// the indicators keeps every match: the band around them is what lookup shows as near misses,
// and it costs only the flows kept.

/** Prefix length of the IPv4 networks near an indicator. */
export const IPV4_NEAR_PREFIX = 24;
/** Prefix length of the IPv6 networks near an indicator. */
export const IPV6_NEAR_PREFIX = 48;
/** An IPv6 address number shifted right by this is its /48's key (its first three groups). */
export const IPV6_NEAR_SHIFT = 128 - IPV6_NEAR_PREFIX;

/** The key of the /48 holding an IPv6 address (the store's number): under 2^48, exact as a number. */
export function ipv6NearKey(address: bigint): number {
  return Number(address >> BigInt(IPV6_NEAR_SHIFT));
}
