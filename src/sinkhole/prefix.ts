// The source prefix a client address belongs to: the unit of rate limits and of shed counts, so
// that one network flooding cannot starve the others. IPv4 /24 and IPv6 /56 by default.
export interface PrefixLengths {
  v4: number;
  v6: number;
}

export const DEFAULT_PREFIX: PrefixLengths = { v4: 24, v6: 56 };

/**
 * "198.51.100.0/24" for 198.51.100.7; IPv4-mapped IPv6 addresses count as IPv4. `address` is a
 * literal as the kernel reports a peer (dotted IPv4 or IPv6): this runs for every packet of a flood,
 * before anything else, so the family is told by a colon rather than by parsing.
 */
export function prefixOf(address: string, len: PrefixLengths): string {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  if (!a.includes(':')) {
    if (len.v4 >= 32) return a;
    if (len.v4 === 24) return `${a.slice(0, a.lastIndexOf('.'))}.0/24`;
    const p = a.split('.');
    const n = ((+p[0]! << 24) | (+p[1]! << 16) | (+p[2]! << 8) | +p[3]!) >>> 0;
    const m = len.v4 <= 0 ? 0 : (n >>> (32 - len.v4)) << (32 - len.v4);
    const k = m >>> 0;
    return `${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}/${len.v4}`;
  }
  return `${v6Prefix(a, len.v6)}/${len.v6}`;
}

function v6Prefix(a: string, bits: number): string {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t].map((g) => parseInt(g || '0', 16) || 0);
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    const g = keep === 0 ? 0 : (groups[i]! >> (16 - keep)) << (16 - keep);
    out.push(g.toString(16));
  }
  return out.join(':');
}
