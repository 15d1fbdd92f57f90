// Result rows from TabSeparatedWithNamesAndTypes, read as bytes: the only text format of 18.16
// that keeps a FixedString's raw bytes (its JSON output replaces bytes that are not UTF-8). Each
// column's type in the header says how to read it: FixedString(16) is an address (bigint),
// Decimal(18, 3) a time (Date), 64-bit integers bigint, arrays arrays, `\N` NULL.
import { addressFromBytes } from './literal.js';
import type { Row } from '../driver.js';
import { BATCH_COLUMN } from './ddl.js';

const UNESCAPE: Record<number, number> = {
  0x30: 0x00, // \0
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x72: 0x0d, // \r
  0x6e: 0x0a, // \n
  0x74: 0x09, // \t
  0x61: 0x07, // \a
  0x76: 0x0b, // \v
};

/** A field's bytes with backslash escapes undone. */
function unescape(b: Buffer): Buffer {
  if (!b.includes(0x5c)) return b;
  const out = Buffer.alloc(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (x !== 0x5c || i + 1 === b.length) {
      out[n++] = x;
      continue;
    }
    const e = b[++i]!;
    out[n++] = UNESCAPE[e] ?? e;
  }
  return out.subarray(0, n);
}

type Reader = (field: Buffer) => unknown;

/** How to read a column of this type from its (unescaped) bytes. */
function readerFor(type: string): Reader {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  if (nullable) {
    const inner = readerFor(nullable[1]!);
    return (f) => (f.length === 2 && f[0] === 0x5c && f[1] === 0x4e ? null : inner(f));
  }
  const low = /^LowCardinality\((.*)\)$/.exec(type);
  if (low) return readerFor(low[1]!);
  const array = /^Array\((.*)\)$/.exec(type);
  if (array) {
    const inner = array[1]!;
    // An array field is its quoted text form, not escaped again: its elements carry the escapes.
    return (f) => parseArray(f.toString('latin1'), inner);
  }
  if (type === 'FixedString(16)') return (f) => addressFromBytes(unescape(f));
  if (/^Decimal\(\d+, 3\)$/.test(type)) return (f) => new Date(timeMs(f.toString('latin1')));
  if (/^(U?Int64|U?Int128|U?Int256)$/.test(type)) return (f) => BigInt(f.toString('latin1'));
  if (/^(U?Int(8|16|32)|Float(32|64)|Decimal)/.test(type)) return (f) => numberOf(f.toString('latin1'));
  if (type === 'DateTime') return (f) => new Date(`${f.toString('latin1').replace(' ', 'T')}Z`);
  if (type === 'Nothing') return () => null;
  return (f) => unescape(f).toString('utf8');
}

function numberOf(t: string): number {
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

/** Decimal seconds with three decimals to epoch milliseconds, exactly. */
export function timeMs(t: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(t);
  if (!m) throw new Error(`not a stored time: ${t}`);
  const ms = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
  return m[1] ? -ms : ms;
}

/** An array as ClickHouse writes it in text (['a\'b','c'], [1,2], [NULL]), read from its bytes as latin1. */
function parseArray(text: string, inner: string): unknown[] {
  const out: unknown[] = [];
  const read = readerFor(inner.replace(/^Nullable\((.*)\)$/, '$1'));
  let i = 1; // past '['
  while (i < text.length && text[i] !== ']') {
    if (text[i] === "'") {
      let j = i + 1;
      let s = '';
      while (text[j] !== "'") {
        if (text[j] === '\\') {
          s += text.slice(j, j + 2);
          j += 2;
        } else s += text[j++];
      }
      out.push(read(Buffer.from(s, 'latin1')));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== ']') j++;
      const t = text.slice(i, j);
      out.push(t === 'NULL' ? null : read(Buffer.from(t, 'latin1')));
      i = j;
    }
    if (text[i] === ',') i++;
  }
  return out;
}

/** Every row of a TabSeparatedWithNamesAndTypes body; the hidden batch column is left out. */
export function decodeRows<T = Row>(body: Buffer): T[] {
  const lines: Buffer[] = [];
  let from = 0;
  for (let i = body.indexOf(0x0a); i !== -1; i = body.indexOf(0x0a, from)) {
    lines.push(body.subarray(from, i));
    from = i + 1;
  }
  if (lines.length < 2) return [];
  const names = split(lines[0]!).map((f) => unescape(f).toString('utf8'));
  const readers = split(lines[1]!).map((f) => readerFor(unescape(f).toString('utf8')));
  const keep = names.map((n) => n !== BATCH_COLUMN);
  const rows: T[] = [];
  for (let r = 2; r < lines.length; r++) {
    const fields = split(lines[r]!);
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) if (keep[c]) row[names[c]!] = readers[c]!(fields[c]!);
    rows.push(row as T);
  }
  return rows;
}

function split(line: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let i = line.indexOf(0x09); i !== -1; i = line.indexOf(0x09, from)) {
    out.push(line.subarray(from, i));
    from = i + 1;
  }
  out.push(line.subarray(from));
  return out;
}
