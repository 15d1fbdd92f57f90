// STIX 2.x bundles: indicator objects whose patterns we can express become IndicatorRecords;
// every pattern part we cannot express is reported as a skipped section naming it.
import { BotcensusError, FieldError } from '../core/errors.js';
import { parseTime } from '../core/time.js';
import type { IntelParseResult } from '../core/model/indicator.js';
import { certHash, ipPort, makeIndicator, parseDomain, parseIndicator, parseUrl, type IndicatorCore } from './normalize.js';
import { SectionBuilder } from './sections.js';
import { parsePattern, toConjuncts, type Comparison, type Literal, type ObsExpr } from './stix-pattern.js';

export { toStixBundle } from './stix-export.js';

type Extra = Parameters<typeof makeIndicator>[2] & {};
type Json = Record<string, unknown>;

// STIX 2.0 put the indicator type in `labels`; these are its vocabulary.
const INDICATOR_TYPE_VOCAB = new Set(['anomalous-activity', 'anonymization', 'benign', 'compromised', 'malicious-activity', 'attribution', 'unknown']);

export function parseStixBundle(json: unknown): IntelParseResult {
  const reader = new StixObjectReader();
  const objects = (json as Json | null)?.objects;
  if (Array.isArray(objects)) objects.forEach((obj, i) => reader.object(obj, i));
  return reader.finish(json);
}

/**
 * Reads a bundle one object at a time (a bundle streamed from a file never is whole in memory).
 * "Line" numbers are 1-based positions in `objects`.
 */
export class StixObjectReader {
  private readonly out: IntelParseResult = { indicators: [], skipped: [], rejected: [], warnings: [] };
  private readonly sections = new SectionBuilder();

  /** The object at `index` (0-based) of the bundle's "objects". */
  object(obj: unknown, index: number): void {
    if (obj && typeof obj === 'object' && (obj as Json).type === 'indicator') readIndicator(obj as Json, index + 1, this.out, this.sections);
  }

  /** Takes the indicators and rejected objects read so far out of the result. */
  take(): Pick<IntelParseResult, 'indicators' | 'rejected'> {
    return { indicators: this.out.indicators.splice(0), rejected: this.out.rejected.splice(0) };
  }

  /** `bundle` is the bundle around the objects; it must have had an "objects" array. */
  finish(bundle: unknown): IntelParseResult {
    if (!Array.isArray((bundle as Json | null)?.objects)) throw new BotcensusError('BAD_INPUT', 'not a STIX bundle: no "objects" array', { field: 'objects' });
    this.out.skipped = this.sections.finish();
    return this.out;
  }
}

function readIndicator(o: Json, line: number, out: IntelParseResult, sections: SectionBuilder): void {
  const pattern = typeof o.pattern === 'string' ? o.pattern : '';
  const skip = (reason: string, sample: string) => sections.add({ fromLine: line, toLine: line, reason, sample });
  const reject = (field: string | undefined, reason: string, raw: string): void => {
    out.rejected.push({ line, field, reason, raw: raw.length > 200 ? raw.slice(0, 200) + '…' : raw });
  };
  if (o.pattern_type !== undefined && o.pattern_type !== 'stix') return skip(`pattern_type ${String(o.pattern_type)} not supported`, pattern);
  if (o.revoked === true) return skip('revoked indicator', pattern);
  let extra: Extra;
  let tree: ObsExpr;
  try {
    extra = commonFields(o);
    tree = parsePattern(pattern);
  } catch (err) {
    return reject(err instanceof FieldError ? err.field : 'pattern', (err as Error).message, pattern);
  }
  const visit = (node: ObsExpr, window: Extra): void => {
    for (const q of node.qualifiers) {
      if (q.kind !== 'start') return skip(`unsupported STIX pattern part: qualifier ${q.text}`, node.text);
      window = narrow(window, q.start, q.stop);
    }
    if (node.kind === 'or') return node.items.forEach((n) => visit(n, window));
    if (node.kind !== 'obs') return skip(`unsupported STIX pattern part: observations joined by ${node.kind.toUpperCase()}`, node.text);
    const conjuncts = toConjuncts(node.expr);
    if (!conjuncts) return skip('unsupported STIX pattern part: too many alternatives', node.text);
    for (const group of conjuncts) {
      const text = group.map((c) => c.text).join(' AND ');
      let cores: IndicatorCore[] | undefined;
      try {
        cores = translate(group);
      } catch (err) {
        reject(err instanceof FieldError ? err.field : undefined, (err as Error).message, text);
        continue;
      }
      if (!cores) skip(`unsupported STIX pattern part: ${cut(text)}`, text);
      else for (const c of cores) out.indicators.push(makeIndicator(c, line, { ...window, tags: [...(window.tags ?? [])] }));
    }
  };
  visit(tree, extra);
}

/** valid_from/until, labels, indicator_types, name/description and our own export markers. */
function commonFields(o: Json): Extra {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const types = strings(o.indicator_types);
  const labels = strings(o.labels);
  let category: string | undefined = types[0];
  if (category === undefined && o.spec_version !== '2.1') category = labels.find((l) => INDICATOR_TYPE_VOCAB.has(l));
  const tags = [...labels, ...types.slice(1)];
  const name = typeof o.name === 'string' ? o.name : undefined;
  const desc = typeof o.description === 'string' ? o.description : undefined;
  return {
    tags,
    category,
    description: name && desc && name !== desc ? `${name}: ${desc}` : desc ?? name,
    firstSeen: o.x_botcensus_open_start === true ? undefined : time(o.valid_from, 'valid_from'),
    lastSeen: time(o.valid_until, 'valid_until'),
    forDetection: o.x_botcensus_for_detection !== false,
    timeframe: typeof o.x_botcensus_timeframe === 'string' ? o.x_botcensus_timeframe : undefined,
  };
}

function time(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const t = typeof v === 'string' ? parseTime(v) : null;
  if (t === null) throw new FieldError(field, `not a timestamp: ${JSON.stringify(v)}`);
  return t;
}

/** A START/STOP qualifier narrows the validity window. */
function narrow(w: Extra, start: string, stop: string): Extra {
  const a = time(start, 'START');
  const b = time(stop, 'STOP');
  return {
    ...w,
    firstSeen: w.firstSeen === undefined ? a : Math.max(w.firstSeen, a!),
    lastSeen: w.lastSeen === undefined ? b : Math.min(w.lastSeen, b!),
  };
}

const SIMPLE: Record<string, (v: string, field: string) => IndicatorCore> = {
  'ipv4-addr:value': address,
  'ipv6-addr:value': address,
  'network-traffic:dst_ref.value': (v, f) => {
    const core = parseIndicator(v, f); // dst_ref may also point at a domain-name
    return core.type === 'domain' ? core : address(v, f);
  },
  'domain-name:value': (v, f) => {
    const d = parseDomain(v, f);
    return { type: 'domain', value: d, domain: d };
  },
  'url:value': (v, f) => parseUrl(v, f),
  'x509-certificate:hashes.sha256': (v, f) => hash(v, f, 'cert-sha256'),
  'x509-certificate:hashes.sha1': (v, f) => hash(v, f, 'cert-sha1'),
  'file:hashes.sha256': (v, f) => hash(v, f, 'file-sha256'),
  'file:hashes.sha1': (v, f) => hash(v, f, 'file-sha1'),
  'file:hashes.md5': (v, f) => hash(v, f, 'file-md5'),
};

/** One AND-group to indicators, or undefined when it is not something we can express. */
function translate(group: Comparison[]): IndicatorCore[] | undefined {
  if (group.some((c) => c.negated || !['=', 'IN', 'ISSUBSET'].includes(c.op))) return undefined;
  if (group.length === 1) {
    const c = group[0]!;
    const read = SIMPLE[c.path];
    if (!read || (c.op === 'ISSUBSET' && !c.path.endsWith('-addr:value'))) return undefined;
    return c.values.map((v) => read(str(v, c.path), c.path));
  }
  // network-traffic: dst_ref.value AND dst_port (AND dst_ref.type) is an address with a port.
  const addr = group.filter((c) => c.path === 'network-traffic:dst_ref.value');
  const port = group.filter((c) => c.path === 'network-traffic:dst_port');
  const kind = group.filter((c) => c.path === 'network-traffic:dst_ref.type');
  if (addr.length !== 1 || port.length > 1 || addr.length + port.length + kind.length !== group.length) return undefined;
  if (kind.some((k) => k.values.some((v) => v !== 'ipv4-addr' && v !== 'ipv6-addr'))) return undefined;
  const ips = addr[0]!.values.map((v) => SIMPLE[addr[0]!.path]!(str(v, addr[0]!.path), addr[0]!.path));
  if (!port.length) return ips;
  if (ips.some((ip) => ip.type !== 'ip')) return undefined; // a range or name with a port has no indicator type
  return ips.flatMap((ip) => port[0]!.values.map((p) => ipPort(ip.value, String(p), 'network-traffic:dst_port')));
}

function address(v: string, field: string): IndicatorCore {
  const core = parseIndicator(v, field);
  if (core.type !== 'ip' && core.type !== 'cidr') throw new FieldError(field, `not an address or CIDR: ${JSON.stringify(v)}`);
  return core;
}

const HASH_NAMES: Record<string, string> = { 'cert-sha256': 'SHA-256', 'cert-sha1': 'SHA-1', 'file-sha256': 'SHA-256', 'file-sha1': 'SHA-1', 'file-md5': 'MD5' };

function hash(v: string, field: string, want: 'cert-sha256' | 'cert-sha1' | 'file-sha256' | 'file-sha1' | 'file-md5'): IndicatorCore {
  let core: IndicatorCore | undefined;
  if (want.startsWith('cert-')) core = certHash(v, field);
  else {
    try {
      core = parseIndicator(v, field);
    } catch {
      // reported below
    }
  }
  if (core?.type !== want) throw new FieldError(field, `not a ${HASH_NAMES[want]} hash: ${JSON.stringify(v)}`);
  return core;
}

function str(v: Literal, field: string): string {
  if (typeof v === 'boolean') throw new FieldError(field, 'expected a string value');
  return String(v);
}

function cut(s: string): string {
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}
