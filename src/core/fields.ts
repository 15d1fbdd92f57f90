// Field converters shared by every reader: each throws a FieldError naming the field, so the
// reader base can report file, line and field.
import { FieldError } from './errors.js';
import { parseIp } from './ip.js';
import { parseTime } from './time.js';

/** Zeek's unset and empty markers, and the blanks other formats use, read as "no value". */
export function isBlank(v: string | undefined | null): v is undefined | null | '' {
  return v === undefined || v === null || v === '' || v === '-' || v === '(empty)';
}

export function ipField(value: string | undefined, field: string): bigint {
  if (isBlank(value)) throw new FieldError(field, 'missing address');
  const ip = parseIp(value);
  if (ip === null) throw new FieldError(field, `not an IP address: ${JSON.stringify(value.slice(0, 60))}`);
  return ip;
}

export function optIpField(value: string | undefined, field: string): bigint | undefined {
  return isBlank(value) ? undefined : ipField(value, field);
}

export function timeField(value: string | number | undefined, field: string, tz?: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FieldError(field, 'not a time');
    // Epoch seconds unless clearly milliseconds.
    return value > 1e11 ? value : value * 1000;
  }
  if (isBlank(value)) throw new FieldError(field, 'missing time');
  const t = parseTime(value, { tz });
  if (t === null) throw new FieldError(field, `not a time: ${JSON.stringify(value.slice(0, 60))}`);
  return t;
}

export function intField(value: string | number | undefined, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value.trim()))
    throw new FieldError(field, `not a number: ${JSON.stringify(String(value).slice(0, 60))}`);
  return Number(value);
}

export function optIntField(value: string | number | undefined, field: string): number | undefined {
  if (typeof value === 'number') return value;
  return isBlank(value) ? undefined : intField(value, field);
}

/** nfdump-style counts with unit suffixes ("1.2 M", "3K"). */
export function countField(value: string | undefined, field: string): number | undefined {
  if (isBlank(value)) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT])?\s*$/.exec(value);
  if (!m) throw new FieldError(field, `not a count: ${JSON.stringify(value.slice(0, 60))}`);
  const mult = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

export function portField(value: string | number | undefined, field: string): number | undefined {
  if (typeof value !== 'number' && isBlank(value)) return undefined;
  const n = intField(value, field);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FieldError(field, `not a port: ${value}`);
  return n;
}

/** Lower-case host name without trailing dot; undefined when blank. */
export function hostField(value: string | undefined): string | undefined {
  if (isBlank(value)) return undefined;
  return value.trim().toLowerCase().replace(/\.$/, '');
}

/** Parses one JSON object line; a FieldError when it is not an object. */
export function jsonLine(line: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new FieldError(undefined, `not JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError(undefined, 'not a JSON object');
  return v as Record<string, unknown>;
}

/** Splits one CSV line (RFC 4180 quoting, configurable separator). */
export function splitCsv(line: string, sep = ','): string[] {
  if (line.indexOf('"') < 0) return line.split(sep);
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQ) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQ = false;
      } else cur += c;
    } else if (c === '"') inQ = true;
    else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (inQ) throw new FieldError(undefined, 'unterminated quoted field');
  out.push(cur);
  return out;
}
