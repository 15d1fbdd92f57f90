// Text range files: RouteViews/CAIDA prefix-to-AS (pfx2as) and DB-IP Lite CSV (country or ASN),
// plain or gzip. A bad line stops the file with its line and field: a provider is loaded whole
// or not at all.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { BotcensusError } from './errors.js';
import { parseCidr, parseIp } from './ip.js';

/** One range of a provider: the AS (and its name, when the file has one) or the country. */
export interface GeoRange {
  lo: bigint;
  hi: bigint;
  asn?: number;
  org?: string;
  country?: string;
}

export async function* fileLines(file: string, gzip: boolean): AsyncGenerator<string> {
  const input = createReadStream(file);
  const rl = createInterface({ input: gzip ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
  yield* rl;
}

/** A pfx2as line: prefix, length, origin AS ("13335"; "4755_9583" multi-origin; "7713,7714" an AS set: the first is kept). */
export const PFX2AS_LINE = /^([0-9a-fA-F.:]+)\t(\d{1,3})\t(\d+)(?:[_,]\d+)*\s*$/;

/**
 * The prefixes of a pfx2as file as ranges that do not overlap, in address order: where a more
 * specific prefix lies inside a shorter one, it answers for its own addresses (longest prefix
 * match) and the shorter one for the rest.
 */
export async function pfx2asRanges(file: string, gzip: boolean): Promise<GeoRange[]> {
  const prefixes: { lo: bigint; hi: bigint; asn: number }[] = [];
  let line = 0;
  for await (const text of fileLines(file, gzip)) {
    line++;
    if (text.trim() === '' || text.startsWith('#')) continue;
    const m = PFX2AS_LINE.exec(text);
    if (!m) throw new BotcensusError('BAD_INPUT', `not a pfx2as line (prefix, length and AS separated by tabs): ${JSON.stringify(text.slice(0, 80))}`, { file, line });
    const r = parseCidr(`${m[1]}/${m[2]}`);
    if (!r) throw new BotcensusError('BAD_INPUT', `not a network: ${m[1]}/${m[2]}`, { file, line, field: 'prefix' });
    prefixes.push({ lo: r.lo, hi: r.hi, asn: Number(m[3]) });
  }
  return flatten(prefixes);
}

/** Nested prefixes made disjoint, the innermost answering (prefixes either nest or do not meet). */
export function flatten(prefixes: { lo: bigint; hi: bigint; asn: number }[]): GeoRange[] {
  // Outer before inner at the same start.
  prefixes.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi > b.hi ? -1 : a.hi < b.hi ? 1 : 0));
  const out: GeoRange[] = [];
  const open: { hi: bigint; asn: number; next: bigint }[] = [];
  const emit = (lo: bigint, hi: bigint, asn: number) => {
    if (lo > hi) return;
    const last = out.at(-1);
    if (last && last.asn === asn && last.hi + 1n === lo) last.hi = hi;
    else out.push({ lo, hi, asn });
  };
  // Closes the enclosing prefixes that end before `upTo`, emitting their remaining tails.
  const close = (upTo: bigint) => {
    while (open.length && open.at(-1)!.hi < upTo) {
      const p = open.pop()!;
      emit(p.next, p.hi, p.asn);
      if (open.length) open.at(-1)!.next = p.hi + 1n;
    }
  };
  for (const p of prefixes) {
    close(p.lo);
    const outer = open.at(-1);
    if (outer) {
      emit(outer.next, p.lo - 1n, outer.asn);
      outer.next = p.hi + 1n;
    }
    open.push({ hi: p.hi, asn: p.asn, next: p.lo });
  }
  close(1n << 129n);
  return out;
}

/**
 * A DB-IP Lite CSV: `first,last,country` (ip-to-country-lite) or `first,last,asn,"organisation"`
 * (ip-to-asn-lite), addresses as text, IPv4 and IPv6 in one file.
 */
export async function* csvRanges(file: string, gzip: boolean, role: 'asn' | 'country'): AsyncGenerator<GeoRange> {
  let line = 0;
  for await (const text of fileLines(file, gzip)) {
    line++;
    if (text.trim() === '') continue;
    const f = text.split(',');
    const lo = parseIp(f[0] ?? '');
    const hi = parseIp(f[1] ?? '');
    const where = (field: string) => ({ file, line, field });
    if (lo === null) throw new BotcensusError('BAD_INPUT', `not an address: ${JSON.stringify(f[0])}`, where('first address'));
    if (hi === null || hi < lo) throw new BotcensusError('BAD_INPUT', `not an address at or after the first: ${JSON.stringify(f[1])}`, where('last address'));
    if (role === 'country') {
      const cc = (f[2] ?? '').trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(cc)) throw new BotcensusError('BAD_INPUT', `not a two-letter country code: ${JSON.stringify(f[2])}`, where('country'));
      if (cc !== 'ZZ') yield { lo, hi, country: cc };
    } else {
      const asn = (f[2] ?? '').trim().replace(/^AS/i, '');
      if (!/^\d+$/.test(asn)) throw new BotcensusError('BAD_INPUT', `not an AS number: ${JSON.stringify(f[2])}`, where('asn'));
      const org = f.slice(3).join(',').trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
      yield { lo, hi, asn: Number(asn), org: org || undefined };
    }
  }
}

/** IPv4 addresses as the store holds them: ::ffff:a.b.c.d. */
const IPV4_MAPPED = 0xffff00000000n;

/**
 * An @ip-location-db numeric range file: `lo,hi,asn,"organisation"` or `lo,hi,country`, the
 * bounds as decimal numbers (IPv4 ones unmapped when `v4`).
 */
export async function* numericRanges(file: string, role: 'asn' | 'country', v4: boolean): AsyncGenerator<GeoRange> {
  let line = 0;
  for await (const text of fileLines(file, file.endsWith('.gz'))) {
    line++;
    if (text.trim() === '') continue;
    const m = /^(\d+),(\d+),(.*)$/.exec(text);
    if (!m) throw new BotcensusError('BAD_INPUT', `not a numeric range line: ${JSON.stringify(text.slice(0, 80))}`, { file, line });
    const lo = BigInt(m[1]!) + (v4 ? IPV4_MAPPED : 0n);
    const hi = BigInt(m[2]!) + (v4 ? IPV4_MAPPED : 0n);
    if (hi < lo) throw new BotcensusError('BAD_INPUT', `range ends before it starts`, { file, line, field: 'last address' });
    if (role === 'country') {
      yield { lo, hi, country: m[3]! || undefined };
      continue;
    }
    const comma = m[3]!.indexOf(',');
    const asn = comma < 0 ? m[3]! : m[3]!.slice(0, comma);
    if (!/^\d+$/.test(asn)) throw new BotcensusError('BAD_INPUT', `not an AS number: ${JSON.stringify(asn)}`, { file, line, field: 'asn' });
    const org = comma < 0 ? '' : m[3]!.slice(comma + 1).replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
    yield { lo, hi, asn: Number(asn), org: org || undefined };
  }
}
