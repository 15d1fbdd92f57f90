// Values as ClickHouse literals. Debian's ClickHouse 18.16 has no query parameters, so every value
// a query carries is written into its text here, and only here: escapeText is the one escaping
// function (string literals in queries and the fields of the tab-separated rows `load` sends use
// the same backslash escapes), numbers are checked before they are written.
import type { SqlValue, ValueType } from '../sql.js';

/** The backslash escape of each character that needs one, in a quoted literal and in a tab-separated field. */
const ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  "'": "\\'",
  '\\': '\\\\',
};
const NEEDS_ESCAPE = /[\0\b\t\n\f\r'\\]/g;

/**
 * The one escaping function: quotes, backslashes, NUL and the control characters above become
 * backslash escapes; every other character is kept (and sent as UTF-8).
 */
export function escapeText(s: string): string {
  return s.replace(NEEDS_ESCAPE, (ch) => ESCAPES[ch]!);
}

/** A quoted string literal. */
export function stringLiteral(s: string): string {
  return `'${escapeText(s)}'`;
}

/** An address (core/ip's unsigned 128-bit number) as its 16 bytes, most significant first. */
export function addressBytes(ip: bigint): Buffer {
  if (typeof ip !== 'bigint' || ip < 0n || ip >= 1n << 128n) throw new RangeError(`not a 128-bit address: ${String(ip)}`);
  return Buffer.from(ip.toString(16).padStart(32, '0'), 'hex');
}

const BYTE_ESCAPES = Array.from({ length: 256 }, (_, i) => `\\x${i.toString(16).padStart(2, '0')}`);
/** The first 12 bytes of every IPv4 address (::ffff:a.b.c.d). */
const V4_PREFIX = `${BYTE_ESCAPES[0]!.repeat(10)}${BYTE_ESCAPES[255]}${BYTE_ESCAPES[255]}`;

/** Four bytes of a 32-bit word, most significant first, as \xHH escapes. */
const wordField = (w: number): string => BYTE_ESCAPES[w >>> 24]! + BYTE_ESCAPES[(w >>> 16) & 255]! + BYTE_ESCAPES[(w >>> 8) & 255]! + BYTE_ESCAPES[w & 255]!;

/** An address as a tab-separated field: its 16 bytes as \xHH escapes (ASCII, whatever the bytes). */
export function addressField(ip: bigint): string {
  if (typeof ip !== 'bigint' || ip < 0n || ip >= 1n << 128n) throw new RangeError(`not a 128-bit address: ${String(ip)}`);
  if (ip >> 32n === 0xffffn) return V4_PREFIX + wordField(Number(ip & 0xffffffffn));
  return wordField(Number(ip >> 96n)) + wordField(Number((ip >> 64n) & 0xffffffffn)) + wordField(Number((ip >> 32n) & 0xffffffffn)) + wordField(Number(ip & 0xffffffffn));
}

/** The 16 bytes of a stored address back to core/ip's number. */
export function addressFromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

/** An address literal: FixedString(16), big-endian, so byte order is numeric order. */
export function addressLiteral(ip: bigint): string {
  return `toFixedString(unhex('${addressBytes(ip).toString('hex')}'), 16)`;
}

/** Epoch milliseconds as seconds with three decimals, exact (no floating point on the way). */
export function timeText(ms: number): string {
  if (!Number.isSafeInteger(ms)) {
    if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
    ms = Math.round(ms);
  }
  const neg = ms < 0;
  const a = Math.abs(ms);
  return `${neg ? '-' : ''}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`;
}

/** A time literal: Decimal64(3), seconds since the epoch (UTC) with milliseconds. */
export function timeLiteral(ms: number): string {
  return `toDecimal64('${timeText(ms)}', 3)`;
}

/** A number literal, refused unless it is a finite number or a bigint. */
export function numberLiteral(v: number | bigint): string {
  if (typeof v === 'bigint') return v < 0n ? `(${v})` : v.toString();
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`not a finite number: ${String(v)}`);
  // Negative numbers in parentheses: `- -1` and `x-1` must not read differently.
  const t = Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : String(v);
  return v < 0 ? `(${t})` : t;
}

/** Any bound value as a literal, by its neutral type where the query gave one. */
export function literal(v: SqlValue, type: ValueType | undefined): string {
  if (v === null) return 'NULL';
  if (type === 'address') return addressLiteral(v as bigint);
  if (type === 'time') return timeLiteral(v as number);
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, undefined)).join(', ')}]`;
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return numberLiteral(v);
  throw new TypeError(`not a value: ${typeof v}`);
}
