// The campaign signature: among messages that are otherwise alike (same sender infrastructure,
// same template), a URL part that holds a different value for every recipient. URLs are lined up
// by shape (site, number of host labels and path segments, parameter names); each position in a
// shape (a host label, a path segment, a parameter, the fragment) is a slot, and a slot whose
// values are never shared between recipients is a per-recipient token.
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
  message: string;
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

/**
 * Token slots among messages of one template. Returns the slots found and, per message, the
 * hosts its tokens are on.
 */
export function findTokens(items: TokenInput[]): { slots: TokenSlot[]; byMessage: Map<string, Set<string>> } {
  const audience = (i: TokenInput) => [...i.recipients].sort().join(',');
  const audiences = new Set(items.map(audience));
  const byMessage = new Map<string, Set<string>>();
  if (audiences.size < MIN_RECIPIENTS) return { slots: [], byMessage };
  // shape -> slot -> value -> audiences; and the messages and hosts per value
  const seen = new Map<string, { host: string; values: Map<string, Set<string>>; where: string; messages: Map<string, string[]>; example: string }>();
  for (const item of items) {
    const who = audience(item);
    for (const url of item.urls) {
      const s = slotsOf(url);
      if (!s) continue;
      for (const [where, value, host] of s.slots) {
        const key = `${s.shape}#${where}`;
        let e = seen.get(key);
        if (!e) seen.set(key, (e = { host, values: new Map(), where, messages: new Map(), example: url }));
        let v = e.values.get(value);
        if (!v) e.values.set(value, (v = new Set()));
        v.add(who);
        const ms = e.messages.get(value) ?? [];
        ms.push(item.message);
        e.messages.set(value, ms);
      }
    }
  }
  const slots: TokenSlot[] = [];
  for (const e of seen.values()) {
    const withSlot = new Set<string>();
    let shared = false;
    for (const who of e.values.values()) {
      if (who.size > 1) shared = true;
      for (const w of who) withSlot.add(w);
    }
    if (shared || withSlot.size < MIN_RECIPIENTS || withSlot.size < MIN_COVERAGE * audiences.size) continue;
    slots.push({ host: e.host, where: e.where, recipients: withSlot.size, values: e.values.size, example: e.example });
    for (const msgs of e.messages.values())
      for (const m of msgs) {
        const hosts = byMessage.get(m) ?? new Set<string>();
        hosts.add(e.host);
        byMessage.set(m, hosts);
      }
  }
  return { slots, byMessage };
}
