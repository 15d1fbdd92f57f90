// MISP event JSON (one event, a list, or a REST "response"): network attributes become indicators;
// other attribute types are reported, grouped by type with their counts.
import { BotcensusError, FieldError } from '../core/errors.js';
import { parseTime } from '../core/time.js';
import type { IntelParseResult } from '../core/model/indicator.js';
import { certHash, ipPort, makeIndicator, NotAnIndicator, parseDomain, parseIndicator, type IndicatorCore } from './normalize.js';
import { SectionBuilder } from './sections.js';

type Json = Record<string, unknown>;

const READERS: Record<string, (value: string) => IndicatorCore[]> = {
  'ip-src': (v) => [address(v)],
  'ip-dst': (v) => [address(v)],
  'ip-src|port': (v) => [addressPort(v)],
  'ip-dst|port': (v) => [addressPort(v)],
  domain: (v) => [domain(v)],
  hostname: (v) => [domain(v)],
  'domain|ip': (v) => {
    const [name, ip] = pair(v);
    return [domain(name), address(ip)];
  },
  url: (v) => [expect(parseIndicator(v, 'value', 'url'), 'url', v)],
  'x509-fingerprint-sha256': (v) => [expect(certHash(v, 'value'), 'cert-sha256', v)],
  'x509-fingerprint-sha1': (v) => [expect(certHash(v, 'value'), 'cert-sha1', v)],
  sha256: (v) => [expect(parseIndicator(v, 'value'), 'file-sha256', v)],
  sha1: (v) => [expect(parseIndicator(v, 'value'), 'file-sha1', v)],
  md5: (v) => [expect(parseIndicator(v, 'value'), 'file-md5', v)],
  'filename|sha256': (v) => [expect(parseIndicator(pair(v)[1], 'value'), 'file-sha256', v)],
  'filename|sha1': (v) => [expect(parseIndicator(pair(v)[1], 'value'), 'file-sha1', v)],
  'filename|md5': (v) => [expect(parseIndicator(pair(v)[1], 'value'), 'file-md5', v)],
};

export const MISP_SUPPORTED_TYPES = Object.keys(READERS);

interface Group {
  count: number;
  from: number;
  to: number;
  sample: string;
}

export function parseMispJson(json: unknown): IntelParseResult {
  const events = findEvents(json);
  if (!events) throw notMisp();
  const reader = new MispEventReader();
  reader.events(events);
  return reader.finish();
}

export function notMisp(): BotcensusError {
  return new BotcensusError('BAD_INPUT', 'not a MISP event: no "Event", "response" or "Attribute"', { field: 'Event' });
}

/**
 * Reads events one after another (a file streamed event by event is never whole in memory).
 * "Line" numbers count attributes from the first event on.
 */
export class MispEventReader {
  private readonly out: IntelParseResult = { indicators: [], skipped: [], rejected: [], warnings: [] };
  private readonly unsupported = new Map<string, Group>();
  private n = 0;

  events(events: Json[]): void {
    for (const ev of events) this.event(ev);
  }

  /** Takes the indicators and rejected attributes read so far out of the result. */
  take(): Pick<IntelParseResult, 'indicators' | 'rejected'> {
    return { indicators: this.out.indicators.splice(0), rejected: this.out.rejected.splice(0) };
  }

  finish(): IntelParseResult {
    const sections = new SectionBuilder();
    for (const [reason, g] of this.unsupported) sections.add({ fromLine: g.from, toLine: g.to, reason: `${reason} (${g.count})`, sample: g.sample });
    this.out.skipped = sections.finish();
    return this.out;
  }

  private event(ev: Json): void {
    const { out, unsupported } = this;
    const eventTags = [...tagNames(ev.Tag), ...tagNames(arr(ev.EventTag).map((t) => (t as Json).Tag))];
    const attrs = [...arr(ev.Attribute), ...arr(ev.Object).flatMap((o) => arr((o as Json)?.Attribute))];
    for (const a of attrs as Json[]) {
      const line = ++this.n;
      const type = String(a?.type ?? '');
      const value = String(a?.value ?? '');
      const read = READERS[type];
      const skipKey = a?.deleted === true ? 'deleted attribute' : !read ? `unsupported MISP attribute type '${type}'` : undefined;
      if (skipKey) {
        const g = unsupported.get(skipKey);
        if (g) Object.assign(g, { count: g.count + 1, to: line });
        else unsupported.set(skipKey, { count: 1, from: line, to: line, sample: value });
        continue;
      }
      try {
        // botcensus's own export keeps the source's category and timeframe in botcensus:… tags.
        const all = [...new Set([...eventTags, ...tagNames(a.Tag)])];
        const own = (key: string) => all.find((t) => t.startsWith(`botcensus:${key}="`))?.slice(key.length + 12, -1);
        const extra = {
          tags: all.filter((t) => !t.startsWith('botcensus:')),
          category: own('category') ?? (typeof a.category === 'string' ? a.category : undefined),
          timeframe: own('timeframe'),
          description: typeof a.comment === 'string' && a.comment.trim() ? a.comment.trim() : undefined,
          firstSeen: time(a.first_seen, 'first_seen'),
          lastSeen: time(a.last_seen, 'last_seen'),
          forDetection: toIds(a.to_ids),
        };
        for (const core of read!(value)) out.indicators.push(makeIndicator(core, line, { ...extra, tags: [...extra.tags] }));
      } catch (err) {
        const field = err instanceof FieldError ? err.field : undefined;
        out.rejected.push({ line, field, reason: (err as Error).message, raw: `${type}: ${value}`.slice(0, 200) });
      }
    }
  }
}

/** The events in any of MISP's JSON shapes; undefined when there are none. */
export function findEvents(json: unknown): Json[] | undefined {
  if (Array.isArray(json)) {
    const evs = json.flatMap((x) => findEvents(x) ?? []);
    return evs.length || json.length === 0 ? evs : undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Json;
  if (o.Event && typeof o.Event === 'object') return findEvents(o.Event);
  if (o.response !== undefined) return findEvents(o.response);
  if (Array.isArray(o.Attribute) || Array.isArray(o.Object)) return [o];
  return undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function tagNames(v: unknown): string[] {
  return arr(v)
    .map((t) => (t && typeof t === 'object' ? (t as Json).name : undefined))
    .filter((x): x is string => typeof x === 'string' && x !== '');
}

/** to_ids arrives as true/false, 1/0 or "1"/"0"; absent means the usual default, for detection. */
function toIds(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  return v === true || v === 1 || v === '1' || v === 'true';
}

function time(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const t = parseTime(String(v));
  if (t === null) throw new FieldError(field, `not a time: ${JSON.stringify(v)}`);
  return t;
}

function pair(v: string): [string, string] {
  const bar = v.indexOf('|');
  if (bar < 0) throw new FieldError('value', `expected "a|b": ${JSON.stringify(v)}`);
  return [v.slice(0, bar), v.slice(bar + 1)];
}

function address(v: string): IndicatorCore {
  let core: IndicatorCore | undefined;
  try {
    core = parseIndicator(v, 'value');
  } catch (err) {
    if (!(err instanceof NotAnIndicator)) throw err;
  }
  if (core?.type !== 'ip' && core?.type !== 'cidr') throw new FieldError('value', `not an IP address: ${JSON.stringify(v)}`);
  return core;
}

function addressPort(v: string): IndicatorCore {
  const [ip, port] = pair(v);
  return ipPort(ip.trim(), port.trim(), 'value', v);
}

function domain(v: string): IndicatorCore {
  const d = parseDomain(v, 'value');
  return { type: 'domain', value: d, domain: d };
}

function expect(core: IndicatorCore | undefined, type: IndicatorCore['type'], v: string): IndicatorCore {
  if (core?.type !== type) throw new FieldError('value', `not a ${type}: ${JSON.stringify(v)}`);
  return core;
}
