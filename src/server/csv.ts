// CSV exports of the API's tables: RFC 4180 quoting, dates as ISO UTC, and cells that a
// spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) prefixed with a quote.
import type { FastifyReply } from 'fastify';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (v instanceof Date) s = v.toISOString();
  else if (Array.isArray(v)) s = v.join(' ');
  else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  else s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
