// A check-in: one call of a bot to the sinkhole, as the journal keeps it (short keys: it is written
// for every call) and as it reaches the store, a report row that is a `confirmed` sighting.
import { parseIp } from '../core/ip.js';
import type { ReportRecord } from '../core/model/telemetry.js';

export interface CheckIn {
  /** Journal sequence number, set by the journal. */
  s?: number;
  /** Time, epoch ms. */
  t: number;
  /** Listener: dns, http, https, tcp. */
  l: string;
  /** Transport: udp or tcp. */
  p: 'udp' | 'tcp';
  src: string;
  sp: number;
  dst: string;
  dp: number;
  /** The indicator: the taken-over name that covers the asked one, or the taken-over address. */
  n: string;
  /** The name as asked: DNS question, HTTP Host, TLS SNI. */
  q?: string;
  /** DNS question type. */
  qt?: number;
  m?: string;
  path?: string;
  query?: string;
  ua?: string;
  /** Chosen HTTP headers, lower-case names. */
  h?: Record<string, string>;
  sni?: string;
  /** The first bytes a raw TCP client sent, hex. */
  first?: string;
  /** Bot id an extractor found. */
  bot?: string;
  /** Family of the sinkholed name, when its source says. */
  fam?: string;
}

/** Report type of check-ins: the census lists them under "report:sinkhole:<name>". */
export const REPORT_PREFIX = 'sinkhole:';

/** The report row a check-in becomes; `journal` names the journal, so `extra.checkin` is a stable identity. */
export function toReportRecord(c: CheckIn, journal: string): ReportRecord | undefined {
  const ip = parseIp(c.src);
  if (ip === null || typeof c.t !== 'number' || !c.n) return undefined;
  const dst = parseIp(c.dst);
  const extra: Record<string, string> = { checkin: `${journal}:${c.s}`, listener: c.l };
  if (c.q !== undefined) extra.asked = c.q;
  if (c.qt !== undefined) extra.qtype = String(c.qt);
  if (c.m !== undefined) extra.method = c.m;
  if (c.path !== undefined) extra.path = c.path;
  if (c.query !== undefined) extra.query = c.query;
  if (c.ua !== undefined) extra.user_agent = c.ua;
  if (c.sni !== undefined) extra.sni = c.sni;
  if (c.first !== undefined) extra.first_bytes = c.first;
  if (c.h) for (const [k, v] of Object.entries(c.h)) extra[`header_${k}`] = v;
  return {
    kind: 'report',
    ts: c.t,
    ip,
    port: c.sp,
    dstIp: dst ?? undefined,
    dstPort: c.dp,
    protocol: c.p,
    reportType: REPORT_PREFIX + c.n,
    compromised: true,
    family: c.fam,
    deviceId: c.bot,
    extra,
  };
}
