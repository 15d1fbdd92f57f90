// The victims CSV sent to owners: one row per victim, columns named as in Shadowserver's reports
// (timestamp, ip, port, asn, geo, hostname, infection, family, tag, device_*) so the tools an
// ISP already runs on those reports read it unchanged, plus a few botcensus columns at the end.
import type { PlannedVictim } from './types.js';

export const CSV_COLUMNS = [
  'timestamp',
  'ip',
  'port',
  'asn',
  'geo',
  'hostname',
  'infection',
  'family',
  'tag',
  'device_vendor',
  'device_type',
  'device_model',
  'device_version',
  'device_id',
  'cc', // the indicators (C2 addresses, domains) it was seen with
  'first_seen',
  'count', // events
  'evidence', // telemetry kinds: flow, dns, http, tls, report
  'grade', // confirmed, two-way, one-way
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type VictimCsvRow = Record<CsvColumn, string>;

/** Shadowserver's timestamp spelling: "2024-06-10 10:00:00", UTC. */
export function shadowTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function victimRow(v: PlannedVictim): VictimCsvRow {
  const r = v.report;
  const families = v.families.filter((f) => f !== 'unknown');
  const tags = [...new Set([...(r?.tag ? [r.tag] : []), ...v.evidence.flatMap((e) => e.tags)])].sort();
  return {
    timestamp: shadowTime(v.lastSeen),
    ip: v.ip,
    port: r?.port === undefined ? '' : String(r.port),
    asn: v.asn === undefined ? '' : String(v.asn),
    geo: v.country ?? '',
    hostname: r?.hostname ?? '',
    infection: r?.infection ?? families.join(';'),
    family: families.join(';'),
    tag: tags.join(';'),
    device_vendor: r?.deviceVendor ?? '',
    device_type: r?.deviceType ?? '',
    device_model: r?.deviceModel ?? '',
    device_version: r?.deviceVersion ?? '',
    device_id: r?.deviceId ?? v.deviceId ?? '',
    cc: v.indicators.filter((i) => !i.startsWith('report:')).join(' '),
    first_seen: shadowTime(v.firstSeen),
    count: String(v.events),
    evidence: v.kinds.join(' '),
    grade: v.grade,
  };
}

/** CSV text with a header line, CRLF line ends (RFC 4180). */
export function victimsCsv(victims: PlannedVictim[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const v of victims) {
    const row = victimRow(v);
    lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * Quotes a cell when needed. Values come partly from telemetry (host names, report fields) an
 * attacker can influence, so a cell a spreadsheet would run as a formula is prefixed with `'`.
 */
export function csvCell(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
