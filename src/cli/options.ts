// Every command's option values, checked in one place before a store is opened: whole numbers with
// their bounds, times (absolute, or a span back from the latest sighting), ranges whose start is not
// after their end, countries by code or English name, ASNs. A wrong value is a USAGE error naming
// the option and what it takes.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import { parseSpan, SPAN_HELP } from '../core/span.js';
import { parseTime } from '../core/time.js';
import { countryCodeOf } from '../core/country-names.js';

const usage = (message: string) => new BotcensusError('USAGE', message);

/** A whole number of at least `min` (default 1); undefined stays undefined (the option was not given). */
export function wholeNumber(value: string | undefined, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(String(value)) || !Number.isSafeInteger(n) || n < min)
    throw usage(`${name} takes a whole number of ${min} or more, not ${JSON.stringify(value)}`);
  return n;
}

/** A number greater than zero (hours, days, milliseconds). */
export function positive(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw usage(`${name} takes a positive number, not ${JSON.stringify(value)}`);
  return n;
}

/** A share between 0 (exclusive) and 1. */
export function fraction(value: string, name: string): number {
  const n = positive(value, name);
  if (n > 1) throw usage(`${name} takes a share between 0 and 1, not ${JSON.stringify(value)}`);
  return n;
}

/** A time as written: an absolute instant, or a span to count back from the reference time. */
export type TimeSpec = { at: number } | { back: number };

export function timeSpec(value: string | undefined, name: string, tz?: string): TimeSpec | undefined {
  if (value === undefined) return undefined;
  const back = parseSpan(value);
  if (back !== null) return { back };
  const at = parseTime(value, { tz });
  if (at === null) throw usage(`${name} takes ${SPAN_HELP}; not ${JSON.stringify(value)}`);
  return { at };
}

/** True when resolving needs the reference time (a span was given). */
export function isRelative(...specs: (TimeSpec | undefined)[]): boolean {
  return specs.some((s) => s !== undefined && 'back' in s);
}

/** Epoch ms of a time spec; a span counts back from `reference` (the latest sighting, or --at). */
export function resolveTime(spec: TimeSpec | undefined, reference: number | undefined): number | undefined {
  if (spec === undefined) return undefined;
  if ('at' in spec) return spec.at;
  // An empty store has no latest sighting: a span then reaches back from nothing and selects nothing.
  return reference === undefined ? undefined : reference - spec.back;
}

/** --since and --until resolved and in order (a window whose start is after its end is refused). */
export function timeRange(
  since: TimeSpec | undefined,
  until: TimeSpec | undefined,
  reference: number | undefined,
  names: [string, string] = ['--since', '--until'],
): { since?: number; until?: number } {
  const s = resolveTime(since, reference);
  const u = resolveTime(until, reference);
  if (s !== undefined && u !== undefined && s > u)
    throw usage(`${names[0]} (${new Date(s).toISOString()}) is after ${names[1]} (${new Date(u).toISOString()}): the window would be empty`);
  return { since: s, until: u };
}

/** Both ends checked against each other when both are absolute, so the mistake shows before any work. */
export function checkAbsoluteRange(since: TimeSpec | undefined, until: TimeSpec | undefined, names?: [string, string]): void {
  if (since && until && 'at' in since && 'at' in until) timeRange(since, until, undefined, names);
}

/** An ISO 3166 alpha-2 code, from a code in any case or an English country name. */
export function country(value: string | undefined, name = '--country'): string | undefined {
  if (value === undefined) return undefined;
  const cc = countryCodeOf(value);
  if (cc === undefined) throw usage(`${name} takes a two-letter ISO 3166 code (e.g. DE) or an English country name, not ${JSON.stringify(value)}`);
  return cc;
}

/** An AS number, written 64500 or AS64500. */
export function asn(value: string | undefined, name = '--asn'): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(?:AS)?(\d{1,10})\s*$/i.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n > 4_294_967_295) throw usage(`${name} takes an AS number like 64500 or AS64500, not ${JSON.stringify(value)}`);
  return n;
}

/** An output file whose folder exists and can be written: checked before any work, not after it. */
export function outputFile(path: string, name = '--out'): string {
  const dir = dirname(resolvePath(path));
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
    accessSync(dir, constants.W_OK);
  } catch {
    ok = false;
  }
  if (!ok) throw new BotcensusError('UNREADABLE', `${name} ${path}: the folder ${dir} does not exist or cannot be written`);
  return path;
}
