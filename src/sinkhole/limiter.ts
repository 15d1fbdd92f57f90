// Per-source-prefix token buckets and connection counts, with the shed counted per prefix. Every
// map is bounded: idle prefixes are swept, and past the bound new prefixes share one bucket (so a
// flood of spoofed sources costs a fixed amount of memory and still gets limited).
import { prefixOf, type PrefixLengths } from './prefix.js';

export interface LimiterConfig {
  /** Tokens (requests) per second per prefix; 0 for no limit. */
  ratePerSecond: number;
  /** Bucket size, in requests. */
  burst: number;
  /** Open connections per prefix (TCP listeners). */
  connectionsPerPrefix: number;
  prefix: PrefixLengths;
  /** Prefixes tracked at once before they share the overflow bucket. */
  maxPrefixes: number;
  /** Prefixes whose shed is counted by name; the rest add up under "other". */
  maxShedPrefixes: number;
}

interface Bucket {
  tokens: number;
  at: number;
  conns: number;
}

const OVERFLOW = 'overflow';

export class PrefixLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Shed per prefix, bounded by maxShedPrefixes (+ "other"). */
  readonly shedByPrefix = new Map<string, number>();
  private lastSweep = 0;

  constructor(readonly config: LimiterConfig) {}

  /** The prefix key for an address (cached nowhere: cheap for IPv4). */
  key(address: string): string {
    return prefixOf(address, this.config.prefix);
  }

  private bucket(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b) return b;
    if (now - this.lastSweep > 1000) this.sweep(now);
    if (this.buckets.size >= this.config.maxPrefixes) key = OVERFLOW;
    b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.config.burst, at: now, conns: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Takes one token for the prefix; false (and the shed counted) when it has none left. */
  take(key: string, now = Date.now()): boolean {
    const c = this.config;
    if (c.ratePerSecond <= 0) return true;
    const b = this.bucket(key, now);
    const refill = ((now - b.at) * c.ratePerSecond) / 1000;
    if (refill > 0) {
      b.tokens = Math.min(c.burst, b.tokens + refill);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    this.countShed(key);
    return false;
  }

  /** Opens a connection for the prefix; false (shed counted) past connectionsPerPrefix. */
  open(key: string, now = Date.now()): boolean {
    const b = this.bucket(key, now);
    if (b.conns >= this.config.connectionsPerPrefix) {
      this.countShed(key);
      return false;
    }
    b.conns++;
    return true;
  }

  close(key: string): void {
    const b = this.buckets.get(key) ?? this.buckets.get(OVERFLOW);
    if (b && b.conns > 0) b.conns--;
  }

  countShed(key: string): void {
    const m = this.shedByPrefix;
    const k = m.has(key) || m.size < this.config.maxShedPrefixes ? key : 'other';
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  /** Prefixes tracked now (for the memory bound's metric). */
  get tracked(): number {
    return this.buckets.size;
  }

  /** Drops buckets that are full again and hold no connection: they carry no state worth keeping. */
  private sweep(now: number): void {
    this.lastSweep = now;
    const c = this.config;
    for (const [k, b] of this.buckets) {
      const full = c.ratePerSecond <= 0 || b.tokens + ((now - b.at) * c.ratePerSecond) / 1000 >= c.burst;
      if (full && b.conns === 0) this.buckets.delete(k);
    }
  }
}
