// Picks real addresses of a country from the installed range data, and looks up their ASN with
// a plain scan of the CSV: an independent check of the store's SQL enrichment, without naming
// any particular third party's address in the tests.
import { readFileSync } from 'node:fs';
import { ipLocationDb } from '../src/core/geo-data.js';

const v4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** An address inside the n-th allocation of at least a /16 registered to `cc`. */
export function addressIn(cc: string, n = 0): string {
  const rows = readFileSync(ipLocationDb().countryV4[0]!, 'utf8').split('\n');
  let seen = 0;
  for (const row of rows) {
    const [lo, hi, c] = row.split(',');
    if (c === cc && Number(hi) - Number(lo) >= 65535 && seen++ === n) return v4(Number(lo) + 4097);
  }
  throw new Error(`no allocation for ${cc}`);
}

/** The ASN the range data gives an IPv4 address, or undefined. */
export function asnOf(ip: string): number | undefined {
  const n = ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  for (const row of readFileSync(ipLocationDb().asnV4[0]!, 'utf8').split('\n')) {
    const [lo, hi, asn] = row.split(',');
    if (Number(lo) <= n && n <= Number(hi)) return Number(asn);
  }
  return undefined;
}
