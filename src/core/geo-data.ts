// Where the offline enrichment data comes from: the @ip-location-db npm packages (RouteViews and
// DB-IP ASN ranges, CC BY 4.0; geo-whois-asn-country ranges, CC BY 4.0 by the NRO). `npm update`
// refreshes them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface GeoSource {
  /** Changes whenever a package version changes: the store reloads its range tables then. */
  version: string;
  asnV4: string[];
  asnV6: string[];
  countryV4: string[];
  countryV6: string[];
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
  };
}

export const GEO_ATTRIBUTION =
  'ASN data: @ip-location-db/asn (RouteViews, DB-IP, NRO; CC BY 4.0). ' +
  'Country data: @ip-location-db/geo-whois-asn-country (geofeeds, whois, NRO; CC BY 4.0). Refresh with `npm update`.';
