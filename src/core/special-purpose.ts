// IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and the RFCs each entry
// names), less the entries that are globally reachable (AS112, 6to4, TEREDO, ...): an address in
// one of these blocks belongs to no country and no routed network, whatever a geolocation file
// says about it. Multicast and the reserved IPv4 space (class E) are added: neither is a host's
// address on the Internet.
import { parseCidr } from './ip.js';

export interface SpecialPurposeBlock {
  cidr: string;
  /** The registry's name for the block. */
  name: string;
  /** The RFC that reserves it. */
  rfc: string;
}

export const SPECIAL_PURPOSE_BLOCKS: readonly SpecialPurposeBlock[] = [
  { cidr: '0.0.0.0/8', name: 'This network', rfc: 'RFC 791' },
  { cidr: '10.0.0.0/8', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space (carrier-grade NAT)', rfc: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122' },
  { cidr: '169.254.0.0/16', name: 'Link Local', rfc: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: 'RFC 6890' },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { cidr: '192.168.0.0/16', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { cidr: '224.0.0.0/4', name: 'Multicast', rfc: 'RFC 5771' },
  { cidr: '240.0.0.0/4', name: 'Reserved (and limited broadcast)', rfc: 'RFC 1112, RFC 919' },
  { cidr: '::/128', name: 'Unspecified Address', rfc: 'RFC 4291' },
  { cidr: '::1/128', name: 'Loopback Address', rfc: 'RFC 4291' },
  { cidr: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translation (local use)', rfc: 'RFC 8215' },
  { cidr: '100::/64', name: 'Discard-Only Address Block', rfc: 'RFC 6666' },
  { cidr: '2001:2::/48', name: 'Benchmarking', rfc: 'RFC 5180' },
  { cidr: '2001:10::/28', name: 'ORCHID (deprecated)', rfc: 'RFC 4843' },
  { cidr: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849' },
  { cidr: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637' },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: 'RFC 9602' },
  { cidr: 'fc00::/7', name: 'Unique-Local', rfc: 'RFC 4193' },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', rfc: 'RFC 4291' },
  { cidr: 'ff00::/8', name: 'Multicast', rfc: 'RFC 4291' },
];

export interface SpecialPurposeRange {
  lo: bigint;
  hi: bigint;
  /** "Private-Use (RFC 1918)": what lookups and exports show. */
  label: string;
}

/** The blocks as store address ranges (IPv4 ones IPv4-mapped, as the store keeps them). */
export const SPECIAL_PURPOSE_RANGES: readonly SpecialPurposeRange[] = SPECIAL_PURPOSE_BLOCKS.map((b) => {
  const r = parseCidr(b.cidr);
  if (!r) throw new Error(`bad special-purpose block ${b.cidr}`);
  return { lo: r.lo, hi: r.hi, label: `${b.name} (${b.rfc})` };
});

/** The special-purpose block an address (store form) lies in, if any. */
export function specialPurpose(ip: bigint): SpecialPurposeRange | undefined {
  return SPECIAL_PURPOSE_RANGES.find((r) => ip >= r.lo && ip <= r.hi);
}

/** The census key (country, ASN and organisation alike) of victims in special-purpose space. */
export const SPECIAL_PURPOSE_KEY = 'special';
export const SPECIAL_PURPOSE_LABEL = 'private / special-purpose';
