// Suricata EVE JSON reader: flow, dns, tls, http and alert events become records; every other
// event type (stats, fileinfo, anomaly, netflow...) is framing.
import { FieldError } from '../core/errors.js';
import { hostField, ipField, isBlank, jsonLine, optIntField, portField, timeField } from '../core/fields.js';
import { protoName } from './nfdump.js';
import type { AlertRecord, DnsRecord, FlowRecord, HttpRecord, TelemetryRecord, TlsRecord } from '../core/model/telemetry.js';
import type { LineParser, ReaderContext, TelemetryFormat } from '../core/reader.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A string member, or undefined; a FieldError when it is there but not a string. */
function str(o: Obj | undefined, key: string, path: string): string | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new FieldError(path, 'not a string');
  return v;
}

function num(o: Obj | undefined, key: string, path: string): number | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' && typeof v !== 'string') throw new FieldError(path, 'not a number');
  return optIntField(v, path);
}

function port(o: Obj, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' && typeof v !== 'string') throw new FieldError(key, 'not a port');
  return portField(v, key);
}

/** Fields every event carries: time, the two ends, ports and protocol. */
interface Common {
  ts: number;
  src: bigint;
  dst: bigint;
  sport?: number;
  dport?: number;
  proto?: string;
}

function common(e: Obj, tz?: string): Common {
  const c: Common = {
    ts: timeField(str(e, 'timestamp', 'timestamp'), 'timestamp', tz),
    src: ipField(str(e, 'src_ip', 'src_ip'), 'src_ip'),
    dst: ipField(str(e, 'dest_ip', 'dest_ip'), 'dest_ip'),
  };
  const sport = port(e, 'src_port');
  if (sport !== undefined) c.sport = sport;
  const dport = port(e, 'dest_port');
  if (dport !== undefined) c.dport = dport;
  const proto = e.proto;
  const name = typeof proto === 'string' || typeof proto === 'number' ? protoName(proto) : undefined;
  if (name !== undefined) c.proto = name;
  return c;
}

/** Copies the defined values of `from` onto `to` (records leave absent fields out, not undefined). */
function defined<T extends object>(to: T, from: Partial<T>): T {
  for (const [k, v] of Object.entries(from)) if (v !== undefined) (to as Record<string, unknown>)[k] = v;
  return to;
}

function flowEvent(e: Obj, c: Common, tz?: string): FlowRecord {
  const f = obj(e.flow);
  const start = str(f, 'start', 'flow.start');
  const end = str(f, 'end', 'flow.end');
  return defined<FlowRecord>({ kind: 'flow', ts: start ? timeField(start, 'flow.start', tz) : c.ts, src: c.src, dst: c.dst }, {
    te: end ? timeField(end, 'flow.end', tz) : undefined,
    sport: c.sport,
    dport: c.dport,
    proto: c.proto,
    bytes: num(f, 'bytes_toserver', 'flow.bytes_toserver'),
    packets: num(f, 'pkts_toserver', 'flow.pkts_toserver'),
    revBytes: num(f, 'bytes_toclient', 'flow.bytes_toclient'),
    revPackets: num(f, 'pkts_toclient', 'flow.pkts_toclient'),
    state: str(f, 'state', 'flow.state'),
  });
}

const DNS_PORTS = new Set([53, 853, 5353, 5355]);

/** Answers as text: the detailed `answers[].rdata`, else the `grouped` lists. */
function dnsAnswers(d: Obj): string[] | undefined {
  const out: string[] = [];
  if (Array.isArray(d.answers)) {
    for (const a of d.answers) {
      const rdata = obj(a)?.rdata;
      if (typeof rdata === 'string') out.push(rdata);
    }
  } else if (obj(d.grouped)) {
    for (const list of Object.values(obj(d.grouped)!))
      if (Array.isArray(list)) for (const v of list) if (typeof v === 'string') out.push(v);
  } else if (typeof d.rdata === 'string') out.push(d.rdata); // EVE v1: one event per answer
  return out.length ? out : undefined;
}

/**
 * EVE v1/v2 log `type` query/answer with `rrname` on the dns object; v3 (Suricata 8) logs
 * request/response with a `queries` array. Which end is the client: the side not on a DNS port;
 * failing that, v3 responses come from the responder (src_ip) and everything else from the client.
 */
function dnsEvent(e: Obj, c: Common): DnsRecord[] {
  const d = obj(e.dns);
  if (!d) throw new FieldError('dns', 'missing dns object');
  const type = str(d, 'type', 'dns.type');
  const srcIsServer =
    c.sport !== undefined && c.dport !== undefined && DNS_PORTS.has(c.sport) !== DNS_PORTS.has(c.dport)
      ? DNS_PORTS.has(c.sport)
      : type === 'response';
  const [client, server] = srcIsServer ? [c.dst, c.src] : [c.src, c.dst];
  const queries = Array.isArray(d.queries) ? d.queries.map((q, i) => [obj(q), `dns.queries[${i}]`] as const) : [[d, 'dns'] as const];
  if (queries.length === 0) throw new FieldError('dns.queries', 'no queries');
  const answers = dnsAnswers(d);
  return queries.map(([q, path]) => {
    const query = hostField(str(q, 'rrname', `${path}.rrname`));
    if (query === undefined) throw new FieldError(`${path}.rrname`, 'missing query name');
    return defined<DnsRecord>({ kind: 'dns', ts: c.ts, client, server, query }, { qtype: str(q, 'rrtype', `${path}.rrtype`), answers });
  });
}

/** Host header without port ("example.com:8080", "[2001:db8::1]:80"). */
function hostOnly(value: string | undefined): string | undefined {
  const h = hostField(value);
  if (h === undefined) return undefined;
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.split(':').length === 2 ? h.split(':')[0] : h;
}

function httpEvent(e: Obj, c: Common): HttpRecord {
  const h = obj(e.http);
  if (!h) throw new FieldError('http', 'missing http object');
  let serverHeader = str(h, 'server', 'http.server');
  if (Array.isArray(h.response_headers)) {
    for (const hd of h.response_headers) {
      const o = obj(hd);
      if (typeof o?.name === 'string' && o.name.toLowerCase() === 'server' && typeof o.value === 'string') serverHeader = o.value;
    }
  }
  return defined<HttpRecord>({ kind: 'http', ts: c.ts, client: c.src, server: c.dst }, {
    dport: c.dport,
    host: hostOnly(str(h, 'hostname', 'http.hostname')),
    uri: str(h, 'url', 'http.url'),
    method: str(h, 'http_method', 'http.http_method'),
    userAgent: str(h, 'http_user_agent', 'http.http_user_agent'),
    serverHeader,
    status: num(h, 'status', 'http.status'),
  });
}

function tlsEvent(e: Obj, c: Common): TlsRecord {
  const t = obj(e.tls);
  if (!t) throw new FieldError('tls', 'missing tls object');
  const fp = str(t, 'fingerprint', 'tls.fingerprint');
  const sha1 = fp === undefined ? undefined : fp.replace(/:/g, '').toLowerCase();
  if (sha1 !== undefined && !/^[0-9a-f]{40}$/.test(sha1)) throw new FieldError('tls.fingerprint', `not a SHA-1 fingerprint: ${JSON.stringify(fp!.slice(0, 80))}`);
  return defined<TlsRecord>({ kind: 'tls', ts: c.ts, client: c.src, server: c.dst }, {
    dport: c.dport,
    sni: hostField(str(t, 'sni', 'tls.sni')),
    certSha1: sha1,
    subject: str(t, 'subject', 'tls.subject'),
    issuer: str(t, 'issuerdn', 'tls.issuerdn'),
    ja3: str(obj(t.ja3), 'hash', 'tls.ja3.hash')?.toLowerCase(),
  });
}

function alertEvent(e: Obj, c: Common): AlertRecord {
  const a = obj(e.alert);
  const signature = str(a, 'signature', 'alert.signature');
  if (isBlank(signature)) throw new FieldError('alert.signature', 'missing signature');
  return defined<AlertRecord>({ kind: 'alert', ts: c.ts, src: c.src, dst: c.dst, signature }, {
    sport: c.sport,
    dport: c.dport,
    proto: c.proto,
    signatureId: num(a, 'signature_id', 'alert.signature_id'),
    category: str(a, 'category', 'alert.category'),
    severity: num(a, 'severity', 'alert.severity'),
  });
}

function parseEvent(line: string, tz?: string): TelemetryRecord | TelemetryRecord[] | undefined {
  const e = jsonLine(line);
  const type = e.event_type;
  if (typeof type !== 'string' || type === '') throw new FieldError('event_type', 'missing event_type');
  switch (type) {
    case 'flow':
      return flowEvent(e, common(e, tz), tz);
    case 'dns':
      return dnsEvent(e, common(e, tz));
    case 'http':
      return httpEvent(e, common(e, tz));
    case 'tls':
      return tlsEvent(e, common(e, tz));
    case 'alert':
      return alertEvent(e, common(e, tz));
    default:
      return undefined;
  }
}

export const suricataFormat: TelemetryFormat = {
  name: 'suricata',
  detect(_fileName: string, head: string[]): boolean {
    const first = head[0]?.trim();
    if (!first?.startsWith('{') || !first.includes('"event_type"')) return false;
    try {
      const e = JSON.parse(first) as Obj;
      return typeof e.event_type === 'string' && 'timestamp' in e;
    } catch {
      return false;
    }
  },
  create(ctx: ReaderContext): LineParser {
    return { parse: (line) => parseEvent(line, ctx.tz) };
  },
};
