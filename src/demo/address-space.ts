// Real address space per country from the same range data enrichment uses, so a demo victim's
// address enriches to the country it was planted in: the routed space of each country's access
// networks (access-networks.ts), where hijacked home and office devices live, not its whole
// allocation (which holds clouds, government networks, enterprises and unrouted blocks).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { isAccessNetwork } from './access-networks.js';
import type { Random } from './random.js';

interface Span {
  lo: number;
  hi: number;
}

async function* csvRows(file: string): AsyncGenerator<string[]> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    // lo,hi,asn,"org, with commas" or lo,hi,cc
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (c < 0) yield [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
    else yield [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), line.slice(c + 1).replace(/^"(.*)"$/, '$1').replace(/""/g, '"')];
  }
}

export class CountrySpace {
  private readonly ranges = new Map<string, { lo: number[]; cum: number[] }>();

  /**
   * The IPv4 space of each wanted country that an access network routes: the country ranges
   * (countryFile: lo,hi,cc) intersected with the ranges of access ASes (asnFile: lo,hi,asn,org),
   * both in address order. Pieces smaller than a /24 are left out (often infrastructure).
   */
  static async load(countryFile: string, asnFile: string, wanted: Set<string>): Promise<CountrySpace> {
    const access: Span[] = [];
    const verdict = new Map<string, boolean>(); // per AS name: the rule is a few regular expressions
    for await (const [lo, hi, , org = ''] of csvRows(asnFile)) {
      let ok = verdict.get(org);
      if (ok === undefined) verdict.set(org, (ok = isAccessNetwork(org)));
      if (ok) access.push({ lo: Number(lo), hi: Number(hi) });
    }
    const countries: (Span & { cc: string })[] = [];
    for await (const [lo, hi, cc] of csvRows(countryFile)) if (cc && wanted.has(cc)) countries.push({ lo: Number(lo), hi: Number(hi), cc });
    const space = new CountrySpace();
    let j = 0;
    for (const a of access) {
      while (j < countries.length && countries[j]!.hi < a.lo) j++;
      for (let k = j; k < countries.length && countries[k]!.lo <= a.hi; k++) {
        const c = countries[k]!;
        const lo = Math.max(a.lo, c.lo);
        const hi = Math.min(a.hi, c.hi);
        if (hi - lo + 1 >= 256) space.add(c.cc, lo, hi);
      }
    }
    return space;
  }

  private add(cc: string, lo: number, hi: number): void {
    let r = this.ranges.get(cc);
    if (!r) this.ranges.set(cc, (r = { lo: [], cum: [] }));
    r.lo.push(lo);
    r.cum.push((r.cum.at(-1) ?? 0) + hi - lo + 1);
  }

  has(cc: string): boolean {
    return this.ranges.has(cc);
  }

  /** A random IPv4 address (as a number) in the country, uniform over its access networks' space. */
  pick(cc: string, rnd: Random): number {
    const r = this.ranges.get(cc)!;
    const total = r.cum.at(-1)!;
    const x = Math.floor(rnd.next() * total);
    let a = 0;
    let b = r.cum.length - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if (r.cum[m]! > x) b = m;
      else a = m + 1;
    }
    const offset = x - (a ? r.cum[a - 1]! : 0);
    const ip = r.lo[a]! + offset;
    const last = ip & 255;
    // Skip .0 and .255, which are rarely hosts.
    return last === 0 ? ip + 1 : last === 255 ? ip - 1 : ip;
  }
}

export function v4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
