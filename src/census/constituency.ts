// Reads a constituency file: JSON {countries, asns, cidrs} or text with one entry per line
// (a two-letter country code, AS64500 or a bare AS number, or a CIDR); '#' starts a comment.
import { readFileSync } from 'node:fs';
import { BotcensusError } from '../core/errors.js';
import { parseCidr } from '../core/ip.js';
import type { Constituency } from '../store/store.js';

export function readConstituency(file: string): Constituency {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read constituency: ${(err as Error).message}`, { file });
  }
  const c: Constituency = { countries: [], asns: [], ranges: [] };
  const add = (entry: string, line: number, field?: string) => {
    const e = entry.trim();
    if (/^[A-Za-z]{2}$/.test(e)) c.countries.push(e.toUpperCase());
    else if (/^(AS)?\d+$/i.test(e)) c.asns.push(Number(e.replace(/^AS/i, '')));
    else {
      const r = parseCidr(e);
      if (!r) throw new BotcensusError('BAD_INPUT', `not a country code, AS number or CIDR: ${JSON.stringify(e)}`, { file, line, field });
      c.ranges.push([r.lo, r.hi]);
    }
  };
  if (text.trimStart().startsWith('{')) {
    const j = JSON.parse(text) as { countries?: string[]; asns?: (number | string)[]; cidrs?: string[] };
    for (const k of ['countries', 'asns', 'cidrs'] as const) for (const v of j[k] ?? []) add(String(v), 1, k);
  } else {
    text.split(/\r?\n/).forEach((raw, i) => {
      const l = raw.replace(/#.*/, '').trim();
      if (l) for (const tok of l.split(/[\s,]+/)) add(tok, i + 1);
    });
  }
  return c;
}
