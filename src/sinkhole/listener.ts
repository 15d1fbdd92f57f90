// What every listener is given, and the check-in call they share: journal it, answer once durable.
import type { CheckIn } from './checkin.js';
import type { ListenerCounters } from './counters.js';
import type { Extractor } from './extractors.js';
import type { Journal } from './journal.js';
import type { PrefixLimiter } from './limiter.js';
import type { NameSet } from './names.js';

export interface ListenerDeps {
  journal: Journal;
  names: NameSet;
  extract: Extractor;
  limiter: PrefixLimiter;
  counters: ListenerCounters;
}

/**
 * Journals `c` and calls `answer(true)` once it is durable (`answer(false)` when the write failed);
 * false, with the shed counted against `prefix` (worked out from the source when empty), when the journal's queue is full.
 */
export function checkIn(deps: ListenerDeps, prefix: string, c: CheckIn, answer: (ok: boolean) => void): boolean {
  const fam = deps.names.family(c.n);
  if (fam) c.fam = fam;
  if (!deps.journal.append(c, answer)) {
    deps.counters.shed.queue++;
    deps.limiter.countShed(prefix || deps.limiter.key(c.src));
    return false;
  }
  deps.counters.accepted++;
  return true;
}

/** An address as node gives it, IPv4-mapped IPv6 written as IPv4. */
export function plainAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
