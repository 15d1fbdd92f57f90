// GoFlow2 JSON-lines reader: v2's snake_case keys (time_flow_start_ns, src_addr), protobuf-JSON
// camelCase (timeFlowStartNs, srcAddr) and goflow v1's PascalCase (TimeFlowStart, SrcAddr), with
// addresses as text or as base64 of their 4 or 16 bytes.
import { FieldError } from '../core/errors.js';
import { ipField, isBlank, jsonLine, optIntField, portField, timeField } from '../core/fields.js';
import { protoName } from './nfdump.js';
import type { FlowRecord } from '../core/model/telemetry.js';
import type { LineParser, ReaderContext, TelemetryFormat } from '../core/reader.js';

/** Keys folded to lower case without underscores, so the three naming generations meet. */
function fold(obj: Record<string, unknown>): Map<string, [key: string, value: unknown]> {
  const out = new Map<string, [string, unknown]>();
  for (const [k, v] of Object.entries(obj)) out.set(k.toLowerCase().replace(/_/g, ''), [k, v]);
  return out;
}

// Candidate time keys, best first, with the unit of a bare number. Zero means "not set" in
// GoFlow2 (NetFlow v5/sFlow without flow times), so the next candidate is tried.
const START_KEYS: [string, number][] = [
  ['timeflowstartns', 1e-6], ['timeflowstartms', 1], ['timeflowstart', 1000],
  ['timereceivedns', 1e-6], ['timereceived', 1000],
];
const END_KEYS: [string, number][] = [['timeflowendns', 1e-6], ['timeflowendms', 1], ['timeflowend', 1000]];

/** A number or numeric string in a known unit to epoch ms; other strings are date-times (RFC 3339 renderer). */
function timeIn(value: unknown, msPerUnit: number, key: string): number | undefined {
  if (value === undefined || value === null || value === 0 || value === '0' || value === '') return undefined;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    // Rounded to the microsecond: nanosecond counts are beyond a double's exact integers.
    const ms = Math.round(Number(value) * msPerUnit * 1000) / 1000;
    if (!Number.isFinite(ms)) throw new FieldError(key, `not a time: ${String(value)}`);
    return ms;
  }
  if (typeof value === 'string') return timeField(value, key);
  throw new FieldError(key, 'not a time');
}

function firstTime(f: Map<string, [string, unknown]>, keys: [string, number][]): number | undefined {
  for (const [name, unit] of keys) {
    const hit = f.get(name);
    if (!hit) continue;
    const t = timeIn(hit[1], unit, hit[0]);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** An address as text, or base64 of 4 or 16 bytes (protobuf JSON of a `bytes` field). */
function addrField(hit: [string, unknown] | undefined, name: string): bigint {
  const [key, value] = hit ?? [name, undefined];
  if (typeof value !== 'string' || isBlank(value)) throw new FieldError(key, 'missing address');
  // Base64 of 4 or 16 bytes always ends in "==", which no address text does.
  if (/^([A-Za-z0-9+/]{6}|[A-Za-z0-9+/]{22})==$/.test(value)) {
    const raw = Buffer.from(value, 'base64');
    if (raw.length === 4) return ipField(Array.from(raw).join('.'), key);
    if (raw.length === 16) return ipField(raw.toString('hex').replace(/(.{4})(?!$)/g, '$1:'), key);
  }
  return ipField(value, key);
}

function numberOf(f: Map<string, [string, unknown]>, name: string): number | undefined {
  const hit = f.get(name);
  if (!hit) return undefined;
  const [key, v] = hit;
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'number' && typeof v !== 'string') throw new FieldError(key, 'not a number');
  return optIntField(v, key);
}

function portOf(f: Map<string, [string, unknown]>, name: string): number | undefined {
  const hit = f.get(name);
  if (!hit || hit[1] === null) return undefined;
  if (typeof hit[1] !== 'number' && typeof hit[1] !== 'string') throw new FieldError(hit[0], 'not a port');
  return portField(hit[1], hit[0]);
}

/** Ethernet types GoFlow2 also samples (ARP, LLDP...) carry no IP addresses: not flows. */
function isNonIp(f: Map<string, [string, unknown]>): boolean {
  const etype = f.get('etype')?.[1];
  if (etype === undefined || etype === null || etype === '') return false;
  return !['ipv4', 'ipv6', '2048', '34525'].includes(String(etype).toLowerCase());
}

function parseFlow(line: string): FlowRecord | undefined {
  const f = fold(jsonLine(line));
  const src = f.get('srcaddr');
  const dst = f.get('dstaddr');
  if (isBlank(src?.[1] as string) && isBlank(dst?.[1] as string) && isNonIp(f)) return undefined;
  const ts = firstTime(f, START_KEYS);
  if (ts === undefined) throw new FieldError(f.get('timeflowstartns')?.[0] ?? 'time_flow_start_ns', 'missing time');
  const rec: FlowRecord = { kind: 'flow', ts, src: addrField(src, 'src_addr'), dst: addrField(dst, 'dst_addr') };
  const te = firstTime(f, END_KEYS);
  if (te !== undefined) rec.te = te;
  const sport = portOf(f, 'srcport');
  if (sport !== undefined) rec.sport = sport;
  const dport = portOf(f, 'dstport');
  if (dport !== undefined) rec.dport = dport;
  const proto = f.get('proto')?.[1];
  const name = typeof proto === 'number' || typeof proto === 'string' ? protoName(proto) : undefined;
  if (name !== undefined) rec.proto = name;
  const bytes = numberOf(f, 'bytes');
  if (bytes !== undefined) rec.bytes = bytes;
  const packets = numberOf(f, 'packets');
  if (packets !== undefined) rec.packets = packets;
  return rec;
}

const TIME_KEYS = new Set([...START_KEYS, ...END_KEYS].map(([k]) => k).concat('sampleraddress'));

export const goflow2Format: TelemetryFormat = {
  name: 'goflow2',
  detect(_fileName: string, head: string[]): boolean {
    const first = head[0]?.trim();
    if (!first?.startsWith('{')) return false;
    let obj: unknown;
    try {
      obj = JSON.parse(first);
    } catch {
      return false;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return false;
    // Suricata (event_type) and Zeek (ts, id.orig_h) JSON never carry GoFlow's address + time keys.
    const keys = [...fold(obj as Record<string, unknown>).keys()];
    return keys.includes('srcaddr') && keys.includes('dstaddr') && keys.some((k) => TIME_KEYS.has(k)) && !keys.includes('eventtype');
  },
  create(_ctx: ReaderContext): LineParser {
    return { parse: (line) => parseFlow(line) };
  },
};
