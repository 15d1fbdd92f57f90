// Rows for `load`, as TabSeparated text: each field written by the same escaping as the literals
// (literal.ts), driven by the declared column types.
import type { Column } from '../schema.js';
import { addressBytes, escapeBytes, numberLiteral, stringLiteral, timeText } from './literal.js';

const TAB = Buffer.from('\t');
const NEWLINE = Buffer.from('\n');
const NULL = Buffer.from('\\N');

/** One field of a row in TabSeparated: `\N` for a missing value (an empty list for a list column). */
export function encodeField(c: Column, v: unknown): Buffer {
  if (v === undefined || v === null) return c.type === 'text[]' ? Buffer.from('[]') : NULL;
  switch (c.type) {
    case 'address':
      return escapeBytes(addressBytes(v as bigint));
    case 'time':
      return Buffer.from(timeText(v instanceof Date ? v.getTime() : (v as number)));
    case 'text':
      return escapeBytes(Buffer.from(String(v), 'utf8'));
    case 'json':
      return escapeBytes(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'));
    case 'text[]':
      // A list field is its quoted text form; the quoting escapes tabs and newlines itself.
      return Buffer.from(`[${(v as unknown[]).map((x) => stringLiteral(String(x))).join(',')}]`, 'utf8');
    case 'bool':
      return Buffer.from(v ? '1' : '0');
    default:
      return Buffer.from(numberLiteral(v as number | bigint).replace(/^\((.*)\)$/, '$1'));
  }
}

/** Rows as TabSeparated lines, in chunks of about `chunkBytes`. */
export function* encodeRows(
  columns: readonly Column[],
  rows: Iterable<Record<string, unknown>>,
  keyOf: (column: string) => string,
  extra: readonly Buffer[] = [],
  chunkBytes = 1 << 20,
): Generator<Buffer> {
  const keys = columns.map((c) => keyOf(c.name));
  let parts: Buffer[] = [];
  let size = 0;
  for (const r of rows) {
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) parts.push(TAB);
      const f = encodeField(columns[i]!, r[keys[i]!]);
      parts.push(f);
      size += f.length + 1;
    }
    for (const e of extra) parts.push(TAB, e);
    parts.push(NEWLINE);
    if (size >= chunkBytes) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield Buffer.concat(parts);
}
