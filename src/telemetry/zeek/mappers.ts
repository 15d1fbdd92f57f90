// One function per Zeek log we match on, each turning a field view into a normalised record.
// Converters from ../fields throw FieldErrors that name the Zeek field.
import { FieldError } from '../../core/errors.js';
import { hostField, ipField, optIntField, optIpField, portField, timeField } from '../../core/fields.js';
import type { DnsRecord, FlowRecord, HttpRecord, TelemetryRecord, TlsRecord } from '../../core/model/telemetry.js';
import type { ZeekFields } from './field-view.js';
import type { MappedLog } from './log-type.js';

/** Text of a field, or undefined when unset or empty. */
function text(f: ZeekFields, name: string): string | undefined {
  const v = f.value(name);
  if (v === undefined) return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

function num(f: ZeekFields, name: string): number | undefined {
  const v = f.value(name);
  return v === '' ? undefined : optIntField(v, name);
}

function ts(f: ZeekFields, tz: string | undefined): number {
  return timeField(f.value('ts'), 'ts', tz);
}

export function mapConn(f: ZeekFields, tz?: string): FlowRecord {
  const start = ts(f, tz);
  const duration = num(f, 'duration');
  if (duration !== undefined && duration < 0) throw new FieldError('duration', `negative duration: ${duration}`);
  return {
    kind: 'flow',
    ts: start,
    te: duration === undefined ? undefined : start + Math.round(duration * 1000),
    src: ipField(text(f, 'id.orig_h'), 'id.orig_h'),
    dst: ipField(text(f, 'id.resp_h'), 'id.resp_h'),
    sport: portField(f.value('id.orig_p'), 'id.orig_p'),
    dport: portField(f.value('id.resp_p'), 'id.resp_p'),
    proto: text(f, 'proto')?.toLowerCase(),
    // orig_bytes is payload and unset when Zeek saw no payload accounting; IP bytes are always there.
    bytes: num(f, 'orig_bytes') ?? num(f, 'orig_ip_bytes'),
    packets: num(f, 'orig_pkts'),
    revBytes: num(f, 'resp_bytes') ?? num(f, 'resp_ip_bytes'),
    revPackets: num(f, 'resp_pkts'),
    state: text(f, 'conn_state'),
  };
}

/** A dns.log line, or undefined for one without a question (mDNS announcements): nothing to match. */
export function mapDns(f: ZeekFields, tz?: string): DnsRecord | undefined {
  const query = hostField(text(f, 'query'));
  if (query === undefined) return undefined;
  const answers = f.list('answers');
  return {
    kind: 'dns',
    ts: ts(f, tz),
    client: ipField(text(f, 'id.orig_h'), 'id.orig_h'),
    server: optIpField(text(f, 'id.resp_h'), 'id.resp_h'),
    query,
    qtype: text(f, 'qtype_name') ?? text(f, 'qtype'),
    answers: answers && answers.length > 0 ? answers : undefined,
  };
}

/** Lower-case hex without colons, when the text is a fingerprint of that many hex digits. */
function fingerprint(value: string | undefined, hexDigits: number): string | undefined {
  const hex = value?.replace(/:/g, '').toLowerCase();
  return hex !== undefined && hex.length === hexDigits && /^[0-9a-f]+$/.test(hex) ? hex : undefined;
}

export function mapSsl(f: ZeekFields, tz?: string): TlsRecord {
  // The server's own certificate comes first in the chain; Zeek fingerprints are SHA-256 by default.
  const leaf = f.list('cert_chain_fps')?.[0] ?? text(f, 'cert_sha256') ?? text(f, 'cert_sha1');
  return {
    kind: 'tls',
    ts: ts(f, tz),
    client: ipField(text(f, 'id.orig_h'), 'id.orig_h'),
    server: ipField(text(f, 'id.resp_h'), 'id.resp_h'),
    dport: portField(f.value('id.resp_p'), 'id.resp_p'),
    sni: hostField(text(f, 'server_name')),
    certSha256: fingerprint(leaf, 64),
    certSha1: fingerprint(leaf, 40),
    subject: text(f, 'subject'),
    issuer: text(f, 'issuer'),
    ja3: text(f, 'ja3')?.toLowerCase(),
  };
}

/** Host header without port, lower-case; an IPv6 literal loses its brackets. */
export function hostWithoutPort(value: string | undefined): string | undefined {
  const host = hostField(value);
  if (host === undefined) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1];
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  const colon = host.indexOf(':');
  if (colon < 0 || host.indexOf(':', colon + 1) >= 0) return host;
  return host.slice(0, colon).replace(/\.$/, '') || undefined;
}

export function mapHttp(f: ZeekFields, tz?: string): HttpRecord {
  return {
    kind: 'http',
    ts: ts(f, tz),
    client: ipField(text(f, 'id.orig_h'), 'id.orig_h'),
    server: ipField(text(f, 'id.resp_h'), 'id.resp_h'),
    dport: portField(f.value('id.resp_p'), 'id.resp_p'),
    host: hostWithoutPort(text(f, 'host')),
    uri: text(f, 'uri'),
    method: text(f, 'method'),
    userAgent: text(f, 'user_agent'),
    serverHeader: text(f, 'server'),
    status: num(f, 'status_code'),
  };
}

/** The record for a line of a mapped log, or undefined when the line has nothing to match on. */
export function mapZeek(log: MappedLog, f: ZeekFields, tz?: string): TelemetryRecord | undefined {
  switch (log) {
    case 'conn':
      return mapConn(f, tz);
    case 'dns':
      return mapDns(f, tz);
    case 'ssl':
      return mapSsl(f, tz);
    case 'http':
      return mapHttp(f, tz);
  }
}
