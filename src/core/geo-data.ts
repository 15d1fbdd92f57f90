// Where the offline enrichment data comes from: the files a store was given (`botcensus enrich
// --geo/--asn`, providers.ts), asked first, then the @ip-location-db npm packages (RouteViews and
// DB-IP ASN ranges, CC BY 4.0; geo-whois-asn-country ranges, CC BY 4.0 by the NRO), the zero-setup
// default that always answers last. `npm update` refreshes the packages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GeoChain } from './providers.js';
import { openProvider, type RangeProvider } from './providers.js';

export type { GeoChain, GeoRole, RangeProvider } from './providers.js';
export type { GeoRange } from './range-files.js';

export interface GeoSource {
  /** Changes whenever a package version changes: the store reloads its range tables then. */
  version: string;
  asnV4: string[];
  asnV6: string[];
  countryV4: string[];
  countryV6: string[];
  /** When the data was built (YYYY-MM-DD), if known. */
  dataDate?: string;
}

/** The providers of a store's chain, ASN ones then country ones, each in the order given. */
export function openChain(chain: GeoChain): RangeProvider[] {
  return [...chain.asn.map((f) => openProvider(f, 'asn')), ...chain.country.map((f) => openProvider(f, 'country'))];
}

/** Names of the zero-setup providers, as lookups and exports show them. */
export const IP_LOCATION_DB = { asn: '@ip-location-db/asn', country: '@ip-location-db/geo-whois-asn-country', licence: 'CC BY 4.0' };

/** The date in an @ip-location-db version (2.3.2026061719: built 2026-06-17). */
function versionDate(version: string): string | undefined {
  const m = /\.(20\d\d)([01]\d)([0-3]\d)\d*$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): { dir: string; version: string } {
  const pkgJson = require.resolve(`${name}/package.json`);
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { dir: dirname(pkgJson), version };
}

/** The CSV range files of the installed packages (numeric form, inclusive ranges). */
export function ipLocationDb(): GeoSource {
  const asn = packageDir('@ip-location-db/asn');
  const geo = packageDir('@ip-location-db/geo-whois-asn-country');
  return {
    version: `asn@${asn.version};geo-whois-asn-country@${geo.version}`,
    asnV4: [join(asn.dir, 'asn-ipv4-num.csv')],
    asnV6: [join(asn.dir, 'asn-ipv6-num.csv')],
    countryV4: [join(geo.dir, 'geo-whois-asn-country-ipv4-num.csv')],
    countryV6: [join(geo.dir, 'geo-whois-asn-country-ipv6-num.csv')],
    dataDate: versionDate(geo.version),
  };
}

export const GEO_ATTRIBUTION =
  'ASN data: @ip-location-db/asn (RouteViews, DB-IP, NRO; CC BY 4.0). ' +
  'Country data: @ip-location-db/geo-whois-asn-country (geofeeds, whois, NRO; CC BY 4.0). ' +
  'Licensed databases (MaxMind, IPinfo, DB-IP, RouteViews pfx2as) come first when given with `botcensus enrich --geo/--asn`.';
