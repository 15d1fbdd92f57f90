// The /48 networks that address indicators touch in IPv6, as sorted runs of /48 keys (an
// address's first 48 bits, see core/flow-near.ts): the flow prefilter's IPv6 test. Runs, not a
// bitmap as for IPv4's /24s: there are 2^48 /48s, and one /32 indicator holds 65,536 of them.

/** A run of consecutive /48 keys, both ends in. */
export type Net48Run = [number, number];

export class Ipv6Net48Set {
  /** Sorted, disjoint and not touching (a run ends at least two keys before the next starts). */
  private sorted: Net48Run[] = [];
  /** Added since the runs were last merged. */
  private pending: Net48Run[] = [];

  /** Adds the /48 keys lo to hi. */
  addRange(lo: number, hi: number): void {
    this.pending.push([lo, hi]);
  }

  /** The set as its runs, in order. */
  runs(): readonly Net48Run[] {
    if (this.pending.length) {
      const all = [...this.sorted, ...this.pending].sort((a, b) => a[0] - b[0]);
      const out: Net48Run[] = [];
      for (const [lo, hi] of all) {
        const last = out.at(-1);
        if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
        else out.push([lo, hi]);
      }
      this.sorted = out;
      this.pending = [];
    }
    return this.sorted;
  }

  has(key: number): boolean {
    const runs = this.runs();
    // The first run that ends at or after the key.
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (runs[mid]![1] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < runs.length && runs[lo]![0] <= key;
  }

  /** Adds every key that `other` holds. */
  add(other: Ipv6Net48Set): void {
    this.pending.push(...other.runs().map(([lo, hi]): Net48Run => [lo, hi]));
  }

  /** Removes every key that `other` holds. */
  remove(other: Ipv6Net48Set): void {
    const cut = other.runs();
    const out: Net48Run[] = [];
    let j = 0;
    for (const [lo, hi] of this.runs()) {
      // Runs of `other` ending before this one end before every later one too.
      while (j < cut.length && cut[j]![1] < lo) j++;
      let from = lo;
      for (let k = j; k < cut.length && cut[k]![0] <= hi; k++) {
        if (cut[k]![0] > from) out.push([from, cut[k]![0] - 1]);
        from = Math.max(from, cut[k]![1] + 1);
      }
      if (from <= hi) out.push([from, hi]);
    }
    this.sorted = out;
  }

  isEmpty(): boolean {
    return this.runs().length === 0;
  }

  /** The runs as (first, last) pairs, for the WebAssembly scan's binary search. */
  packed(): BigInt64Array {
    const runs = this.runs();
    const out = new BigInt64Array(runs.length * 2);
    runs.forEach(([lo, hi], i) => {
      out[2 * i] = BigInt(lo);
      out[2 * i + 1] = BigInt(hi);
    });
    return out;
  }
}
