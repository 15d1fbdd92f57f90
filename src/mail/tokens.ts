// The campaign signature: among messages that are otherwise alike (same sender infrastructure,
// same template), a URL part that holds a different value for every recipient. URLs are lined up
// by shape (site, number of host labels and path segments, parameter names); each position in a
// shape (a host label, a path segment, a parameter, the fragment) is a slot, and a slot whose
// values are never shared between recipients is a per-recipient token.
import { comparePos, type Pos } from './first-seen.js';
import { asUrl, siteOf } from './urls.js';

/** A token needs this many recipients at least: fewer cannot show a value is per recipient. */
export const MIN_RECIPIENTS = 3;
/** ...and must be present for this share of the template's recipients. */
const MIN_COVERAGE = 0.5;

export interface TokenSlot {
  host: string;
  /** Where the token is: "subdomain label 1", "path segment 2", "parameter t", "fragment". */
  where: string;
  recipients: number;
  values: number;
  example: string;
}

/** A message's URLs (each resource's chain, unwrapped) and who received it. */
export interface TokenInput {
  recipients: string[];
  urls: string[];
}

interface Slots {
  shape: string;
  /** Where, value, and the host the token is on (for a host label: the name it sits under). */
  slots: [string, string, string][];
}

/** Slots of one URL; parameters and path segments that carry another URL belong to that URL. */
export function slotsOf(url: string): Slots | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase();
  const site = siteOf(host);
  const labels = host === site ? [] : host.slice(0, host.length - site.length - 1).split('.');
  const segs = u.pathname.split('/').filter(Boolean);
  const params = [...u.searchParams.keys()].sort();
  const shape = `${site}|${labels.length}|${segs.length}|${[...new Set(params)].join('&')}`;
  const slots: [string, string, string][] = [];
  labels.forEach((l, i) => slots.push([`subdomain label ${i + 1}`, l, [...labels.slice(i + 1), site].join('.')]));
  segs.forEach((s, i) => {
    if (!/https?(:|%3a)/i.test(s) && !(s.length >= 16 && asUrl(s))) slots.push([`path segment ${i + 1}`, s, host]);
  });
  for (const [k, v] of u.searchParams) if (!asUrl(v)) slots.push([`parameter ${k}`, v, host]);
  if (u.hash.length > 1 && !asUrl(u.hash.slice(1))) slots.push(['fragment', u.hash.slice(1), host]);
  return { shape, slots };
}

/** A slot found in a template, with where it was first met (to list findings in message order). */
export interface FoundSlot {
  slot: TokenSlot;
  pos: Pos;
}

interface SlotSeen {
  host: string;
  where: string;
  example: string;
  pos: Pos;
  /** A value met for two audiences: the slot is no token, and its values are let go. */
  shared: boolean;
  /** Each value and the one audience it was met for. */
  values: Map<string, string>;
  audiences: Set<string>;
}

/**
 * Token slots among the messages of one template, fed a message at a time. What is held is a
 * value per slot position that is still a token candidate: a slot whose value is shared by two
 * audiences is dropped at once, so ordinary URL parts cost nothing for the rest of the template.
 */
export class TemplateTokens {
  private readonly audiences = new Set<string>();
  private readonly seen = new Map<string, SlotSeen>();

  /** One message: its URLs, its recipients, and where it stands in the campaign's message order. */
  add(item: TokenInput, pos: (at: number) => Pos): void {
    const who = [...item.recipients].sort().join(',');
    this.audiences.add(who);
    let at = 0;
    for (const url of item.urls) {
      const s = slotsOf(url);
      if (!s) continue;
      for (const [where, value, host] of s.slots) {
        const key = `${s.shape}#${where}`;
        const p = pos(at++);
        let e = this.seen.get(key);
        if (!e) this.seen.set(key, (e = { host, where, example: url, pos: p, shared: false, values: new Map(), audiences: new Set() }));
        else if (comparePos(p, e.pos) < 0) Object.assign(e, { host, example: url, pos: p });
        if (e.shared) continue;
        const had = e.values.get(value);
        if (had !== undefined && had !== who) {
          e.shared = true;
          e.values = new Map();
          e.audiences = new Set();
          continue;
        }
        e.values.set(value, who);
        e.audiences.add(who);
      }
    }
  }

  /** The token slots, first met first. */
  slots(): FoundSlot[] {
    const n = this.audiences.size;
    if (n < MIN_RECIPIENTS) return [];
    const out: FoundSlot[] = [];
    for (const e of this.seen.values()) {
      const withSlot = e.audiences.size;
      if (e.shared || withSlot < MIN_RECIPIENTS || withSlot < MIN_COVERAGE * n) continue;
      out.push({ slot: { host: e.host, where: e.where, recipients: withSlot, values: e.values.size, example: e.example }, pos: e.pos });
    }
    return out.sort((a, b) => comparePos(a.pos, b.pos));
  }
}
