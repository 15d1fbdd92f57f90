// CSV exports, the dashboard's and `botcensus export`'s alike: RFC 4180 quoting, times as ISO 8601
// UTC with Z, lists joined with LIST_SEPARATOR, and cells that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR at the start) prefixed with a quote (OWASP's CSV-injection advice).
import type { FastifyReply } from 'fastify';
import type { VictimRow } from '../store/store.js';

/** Joins the values of a list cell (families, indicators, ...); no value of theirs contains it. */
export const LIST_SEPARATOR = ';';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (v instanceof Date) s = v.toISOString();
  else if (Array.isArray(v)) s = v.join(LIST_SEPARATOR);
  else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  else s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The one CSV shape of victims: the dashboard's download and `botcensus export --what victims` to .csv. */
export const VICTIM_CSV: CsvColumn<VictimRow>[] = [
  { header: 'ip', value: (r) => r.ip },
  { header: 'country', value: (r) => r.country },
  { header: 'asn', value: (r) => r.asn },
  { header: 'as_org', value: (r) => r.asOrg },
  { header: 'grade', value: (r) => r.grade },
  { header: 'families', value: (r) => r.families },
  { header: 'indicators', value: (r) => r.indicators },
  { header: 'kinds', value: (r) => r.kinds },
  { header: 'first_seen', value: (r) => r.firstSeen },
  { header: 'last_seen', value: (r) => r.lastSeen },
  { header: 'events', value: (r) => r.events },
  { header: 'device_id', value: (r) => r.deviceId },
  { header: 'warninglists', value: (r) => r.warnings },
  { header: 'owner', value: (r) => r.owner },
];

export function toCsv<T>(rows: T[], columns: CsvColumn<T>[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(c.value(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Sends rows as a CSV download; the file name is ours (a fixed word and the date), never data. */
export function sendCsv<T>(reply: FastifyReply, name: string, rows: T[], columns: CsvColumn<T>[]): FastifyReply {
  const file = `botcensus-${name.replace(/[^a-z0-9-]/gi, '')}-${new Date().toISOString().slice(0, 10)}.csv`;
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}"`)
    .send(toCsv(rows, columns));
}
