// Real address space per country from the same range data enrichment uses, so a demo victim's
// address enriches to the country it was planted in.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Random } from './random.js';

export class CountrySpace {
  private readonly ranges = new Map<string, { lo: number[]; cum: number[] }>();

  static async load(file: string, wanted: Set<string>): Promise<CountrySpace> {
    const space = new CountrySpace();
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      const [lo, hi, cc] = line.split(',');
      if (!cc || !wanted.has(cc)) continue;
      const size = Number(hi) - Number(lo) + 1;
      if (size < 256) continue; // tiny allocations are often infrastructure, not home lines
      let r = space.ranges.get(cc);
      if (!r) space.ranges.set(cc, (r = { lo: [], cum: [] }));
      r.lo.push(Number(lo));
      r.cum.push((r.cum.at(-1) ?? 0) + size);
    }
    return space;
  }

  has(cc: string): boolean {
    return this.ranges.has(cc);
  }

  /** A random IPv4 address (as a number) in the country, uniform over its address space. */
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
