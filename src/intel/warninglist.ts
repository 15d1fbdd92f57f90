// MISP warninglists (known-benign ranges and names) to WarningEntry[]; entries we cannot use are reported.
import { BotcensusError } from '../core/errors.js';
import { formatCidr, parseCidr } from '../core/ip.js';
import type { IntelParseResult, WarningEntry } from '../core/model/indicator.js';
import { parseDomain } from './normalize.js';
import { SectionBuilder } from './sections.js';

type Json = Record<string, unknown>;

/**
 * cidr lists give ranges (a bare address is a /32 or /128), hostname lists give domains, and
 * string lists are classified entry by entry. Substring and regex lists cannot be matched exactly
 * and are reported whole. "Line" numbers are 1-based positions in `list`.
 */
export function parseWarninglist(json: unknown): IntelParseResult {
  const o = json as Json | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.list) || typeof o.name !== 'string')
    throw new BotcensusError('BAD_INPUT', 'not a MISP warninglist: needs "name" and "list"', { field: 'list' });
  const name = o.name;
  const type = typeof o.type === 'string' ? o.type : 'string'; // the format's documented default
  const list = o.list as unknown[];
  const out: IntelParseResult = { indicators: [], skipped: [], rejected: [], warnings: [] };
  const sections = new SectionBuilder();
  if (type === 'substring' || type === 'regex') {
    if (list.length) sections.add({ fromLine: 1, toLine: list.length, reason: `${type} warninglist (${list.length} entries) cannot be matched exactly`, sample: String(list[0]) });
    out.skipped = sections.finish();
    return out;
  }
  if (type !== 'cidr' && type !== 'hostname' && type !== 'string')
    throw new BotcensusError('BAD_INPUT', `unknown warninglist type ${JSON.stringify(type)}`, { field: 'type' });
  list.forEach((item, i) => {
    const line = i + 1;
    const text = typeof item === 'string' ? item.trim() : '';
    const entry = text ? classify(text, type, name) : undefined;
    if (entry) {
      sections.close();
      out.warnings.push(entry);
    } else if (type === 'cidr') {
      sections.close();
      out.rejected.push({ line, field: 'list', reason: 'not an address or CIDR', raw: String(item).slice(0, 200) });
    } else sections.skip(line, type === 'hostname' ? 'not a host name' : 'not an address or domain', String(item));
  });
  out.skipped = sections.finish();
  return out;
}

function classify(text: string, type: string, list: string): WarningEntry | undefined {
  if (type !== 'hostname') {
    const r = parseCidr(text);
    if (r) return { list, kind: 'cidr', lo: r.lo, hi: r.hi, value: formatCidr(r) };
    if (type === 'cidr') return undefined;
  }
  try {
    // Hostname lists write a leading dot for "this domain and below", which is how domains match anyway.
    const domain = parseDomain(text.replace(/^\./, ''));
    return { list, kind: 'domain', domain, value: domain };
  } catch {
    return undefined;
  }
}
