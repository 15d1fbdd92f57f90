// What a census row is called: country names, "AS64500 Example Org", "Unidentified", ...
import { countryName } from '../core/country-names.js';
import { SPECIAL_PURPOSE_KEY, SPECIAL_PURPOSE_LABEL } from '../core/special-purpose.js';
import type { CensusDimension } from '../store/store.js';

/** The label of a group `key` of dimension `by`; `raw` is what the query found beside the key (an AS name, a source). */
export function censusLabel(by: CensusDimension, key: string, raw?: string): string {
  if (key === SPECIAL_PURPOSE_KEY && (by === 'country' || by === 'asn' || by === 'org')) return SPECIAL_PURPOSE_LABEL;
  if (by === 'country') return key === '??' ? 'Unknown' : countryName(key);
  if (by === 'asn') return key === '??' ? 'Unknown' : `AS${key}${raw ? ' ' + raw : ''}`;
  if (key === 'unknown' && (by === 'device' || by === 'vendor' || by === 'product')) return 'Unidentified';
  if (by === 'cve' && key === 'none') return 'No known exploited CVE (or unidentified)';
  if (by === 'vendor' || by === 'product') return raw ?? key;
  return raw ? `${key} (${raw})` : key;
}
