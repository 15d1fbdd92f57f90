// Named value converters for Shadowserver columns (IntelMQ's converter registry, our own code).
// A converter sees only non-blank values. It throws a FieldError when the value makes the row
// untrustworthy (an address or number that is not one), and returns undefined when it merely
// cannot map the value, which then stays verbatim in `extra`.
import { FieldError } from '../../core/errors.js';
import { intField, ipField, portField, timeField, hostField } from '../../core/fields.js';

export type Converter = (value: string, column: string, tz?: string) => string | number | bigint | undefined;

/** Host address; a network ("198.51.100.0/24", as blocklists write) is not a host. */
function address(value: string, column: string): bigint {
  if (value.includes('/')) throw new FieldError(column, `a network, not a host address: ${JSON.stringify(value)}`);
  return ipField(value, column);
}

/** Shadowserver writes 0 for "no ASN" (IntelMQ's invalidate_zero); "AS64496" is accepted too. */
function asn(value: string, column: string): number | undefined {
  const n = intField(value.replace(/^AS/i, ''), column);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new FieldError(column, `not an AS number: ${value}`);
  return n === 0 ? undefined : n;
}

/** ISO 3166 alpha-2, upper-case; anything else (region names, "-") is left to `extra`. */
function countryCode(value: string): string | undefined {
  const v = value.trim();
  return /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : undefined;
}

/** Trimmed text; Shadowserver's placeholders for "none" read as no value. */
function text(value: string): string | undefined {
  const v = value.trim();
  return v === '' || v === '-' ? undefined : v;
}

export const CONVERTERS = {
  address,
  time: (value: string, column: string, tz?: string) => timeField(value, column, tz),
  port: (value: string, column: string) => portField(value.trim(), column),
  asn,
  countryCode,
  host: (value: string) => hostField(value),
  lower: (value: string) => text(value)?.toLowerCase(),
  text,
} satisfies Record<string, Converter>;

export type ConverterName = keyof typeof CONVERTERS;
