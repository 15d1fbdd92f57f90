// Order within a campaign without holding its messages: a campaign is read grouped by template,
// but its evidence lists hosts, sites and senders in the order they first appear when its
// messages are taken by date (undated last), then by hash. Each thing judged keeps the position
// it was first met at, and lists are sorted by it at the end.

/** Where something was met: its message (date, then hash), then its place inside that message. */
export interface Pos {
  /** The message's date, epoch ms; Infinity when it has none (undated messages come last). */
  date: number;
  sha: string;
  /** Running number inside the message (resource, URL, address...). */
  at: number;
}

/** Before every message. */
export const FIRST: Pos = { date: -Infinity, sha: '', at: 0 };

export function posOf(message: { date?: number; sha256: string }, at: number): Pos {
  return { date: message.date ?? Infinity, sha: message.sha256, at };
}

export function comparePos(a: Pos, b: Pos): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.sha !== b.sha) return a.sha < b.sha ? -1 : 1;
  return a.at - b.at;
}

/** Keys with a count and the position each was first met at; `entries()` lists them in that order. */
export class FirstSeen<K> {
  private readonly map = new Map<K, { pos: Pos; count: number }>();

  /** Counts `key` once more (by `n`), keeping the earlier of its positions. */
  add(key: K, pos: Pos, n = 1): void {
    const e = this.map.get(key);
    if (!e) this.map.set(key, { pos, count: n });
    else {
      e.count += n;
      if (comparePos(pos, e.pos) < 0) e.pos = pos;
    }
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }

  posOf(key: K): Pos | undefined {
    return this.map.get(key)?.pos;
  }

  /** [key, count], first met first. */
  entries(): [K, number][] {
    return [...this.map].sort((a, b) => comparePos(a[1].pos, b[1].pos)).map(([k, e]) => [k, e.count]);
  }

  keys(): K[] {
    return this.entries().map(([k]) => k);
  }
}

/**
 * The first `limit` distinct values met, in bounded memory whatever the order they come in. A
 * value pushed out has a later position than every value kept; the kept ones only move earlier,
 * so it can come back only with an earlier position, which is then its first.
 */
export class FirstDistinct {
  private readonly map = new Map<string, Pos>();

  constructor(private readonly limit: number) {}

  add(value: string, pos: Pos): void {
    const had = this.map.get(value);
    if (had) {
      if (comparePos(pos, had) < 0) this.map.set(value, pos);
      return;
    }
    if (this.map.size < this.limit) {
      this.map.set(value, pos);
      return;
    }
    let last: [string, Pos] | undefined;
    for (const e of this.map) if (!last || comparePos(e[1], last[1]) > 0) last = e;
    if (last && comparePos(pos, last[1]) < 0) {
      this.map.delete(last[0]);
      this.map.set(value, pos);
    }
  }

  values(): string[] {
    return [...this.map].sort((a, b) => comparePos(a[1], b[1])).map(([v]) => v);
  }
}
