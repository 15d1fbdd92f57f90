// IP addresses as unsigned 128-bit integers. IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so one
// integer column and one range join serve both families.
import { isIPv4, isIPv6 } from 'node:net';

export const V4_MAPPED_BASE = 0xffff00000000n;
/** The last IPv4-mapped address (::ffff:255.255.255.255). */
export const V4_MAPPED_LAST = 0xffffffffffffn;
const V4_BASE_NUM = 0xffff00000000;
const MAX128 = (1n << 128n) - 1n;

/** Parses an IPv4 or IPv6 address (optionally in [brackets], with a %zone) to its integer, or null. */
export function parseIp(text: string): bigint | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIPv4(s)) return BigInt(V4_BASE_NUM + ipv4ToNumber(s));
  if (isIPv6(s)) return ipv6ToBigInt(s);
  return null;
}

/** True for an integer that is an IPv4-mapped address. */
export function isV4(n: bigint): boolean {
  return n >> 32n === 0xffffn;
}

export function ipv4ToNumber(s: string): number {
  let n = 0;
  let part = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      n = n * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  return n * 256 + part;
}

function ipv6ToBigInt(s: string): bigint {
  // An embedded dotted quad (::ffff:1.2.3.4) becomes two groups.
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    const v4 = ipv4ToNumber(s.slice(lastColon + 1));
    s = s.slice(0, lastColon + 1) + ((v4 >>> 16) & 0xffff).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

/** Canonical text: dotted quad for IPv4-mapped integers, RFC 5952 for IPv6. */
export function formatIp(n: bigint): string {
  if (isV4(n)) {
    const v = Number(n & 0xffffffffn);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // Longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

export interface IpRange {
  lo: bigint;
  hi: bigint;
  /** Prefix length in the 128-bit space (IPv4 /24 is 120). */
  prefix128: number;
}

/** Parses "a.b.c.d/n" or "v6/n" (a bare address is a /32 or /128). Host bits are cleared. */
export function parseCidr(text: string): IpRange | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (ip === null) return null;
  const v4 = isIPv4(addr.trim());
  const max = v4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(lenText)) return null;
    len = Number(lenText);
    if (len > max) return null;
  }
  const prefix128 = v4 ? len + 96 : len;
  const hostBits = BigInt(128 - prefix128);
  const mask = (MAX128 >> hostBits) << hostBits;
  const lo = ip & mask;
  const hi = lo | (MAX128 ^ mask);
  return { lo, hi, prefix128 };
}

/** "lo/len" text of a range, in the family's own prefix length. */
export function formatCidr(r: IpRange): string {
  return isV4(r.lo) ? `${formatIp(r.lo)}/${r.prefix128 - 96}` : `${formatIp(r.lo)}/${r.prefix128}`;
}
