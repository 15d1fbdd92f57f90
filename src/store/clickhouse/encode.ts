// Rows for `load`, as TabSeparated text: each field written by the same escaping as the literals
// (literal.ts), driven by the declared column types. Rows are built as text and sent as UTF-8;
// addresses are \xHH escapes, so no raw byte needs to pass through a string.
import type { Column } from '../schema.js';
import { addressField, escapeText, stringLiteral, timeText } from './literal.js';

/** A whole number or float as a field, refused unless finite. */
function numberField(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`not a finite number: ${String(v)}`);
  return String(v);
}

/** One field of a row in TabSeparated: `\N` for a missing value (an empty list for a list column). */
export function encodeField(c: Column, v: unknown): string {
  if (v === undefined || v === null) return c.type === 'text[]' ? '[]' : '\\N';
  switch (c.type) {
    case 'address':
      return addressField(v as bigint);
    case 'time':
      return timeText(v instanceof Date ? v.getTime() : (v as number));
    case 'text':
      return escapeText(String(v));
    case 'json':
      return escapeText(typeof v === 'string' ? v : JSON.stringify(v));
    case 'text[]':
      // A list field is its quoted text form; the quoting escapes tabs and newlines itself.
      return `[${(v as unknown[]).map((x) => stringLiteral(String(x))).join(',')}]`;
    case 'bool':
      return v ? '1' : '0';
    default:
      return numberField(v);
  }
}

/** Rows as TabSeparated lines, in chunks of about `chunkChars` characters. */
export function* encodeRows(
  columns: readonly Column[],
  rows: Iterable<Record<string, unknown>>,
  keyOf: (column: string) => string,
  extra: readonly string[] = [],
  chunkChars = 1 << 20,
): Generator<Buffer> {
  const keys = columns.map((c) => keyOf(c.name));
  const tail = extra.length ? `\t${extra.join('\t')}\n` : '\n';
  const n = columns.length;
  let parts: string[] = [];
  let size = 0;
  for (const r of rows) {
    for (let i = 0; i < n; i++) {
      const f = encodeField(columns[i]!, r[keys[i]!]);
      parts.push(f, i + 1 < n ? '\t' : tail);
      size += f.length + 1;
    }
    if (size >= chunkChars) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield Buffer.from(parts.join(''), 'utf8');
}
