// Values as ClickHouse literals. Debian's ClickHouse 18.16 has no query parameters, so every value
// a query carries is written into its text here, and only here: escapeBytes is the one escaping
// function (string literals in queries and the fields of the tab-separated rows `load` sends use
// the same backslash escapes), numbers are checked before they are written.
import type { SqlValue, ValueType } from '../sql.js';

/** The backslash escape of each byte that needs one, in a quoted literal and in a tab-separated field. */
const ESCAPES: Record<number, string> = {
  0x00: '\\0',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
  0x27: "\\'",
  0x5c: '\\\\',
};

/**
 * The escaped form of raw bytes: quotes, backslashes, NUL and the control characters above become
 * backslash escapes; every other byte is kept as it is (UTF-8 passes through unchanged).
 */
export function escapeBytes(bytes: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const e = ESCAPES[bytes[i]!];
    if (e === undefined) continue;
    if (i > from) parts.push(Buffer.from(bytes.subarray(from, i)));
    parts.push(Buffer.from(e, 'latin1'));
    from = i + 1;
  }
  if (from === 0) return Buffer.from(bytes);
  if (from < bytes.length) parts.push(Buffer.from(bytes.subarray(from)));
  return Buffer.concat(parts);
}

/** A quoted string literal. */
export function stringLiteral(s: string): string {
  return `'${escapeBytes(Buffer.from(s, 'utf8')).toString('utf8')}'`;
}

/** An address (core/ip's unsigned 128-bit number) as its 16 bytes, most significant first. */
export function addressBytes(ip: bigint): Buffer {
  if (typeof ip !== 'bigint' || ip < 0n || ip >= 1n << 128n) throw new RangeError(`not a 128-bit address: ${String(ip)}`);
  return Buffer.from(ip.toString(16).padStart(32, '0'), 'hex');
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
