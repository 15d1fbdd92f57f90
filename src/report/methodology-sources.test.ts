// The report's methodology names the enrichment providers in the order asked, with their data
// dates and licences, and warns about data older than 90 days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { renderReportMarkdown } from './markdown.js';
import { gatherReportData } from './report-data.js';
import { reportStore } from '../../test/report-fixture.js';
import { enrichVictims, setGeoChain } from '../enrich/enrich.js';

test('methodology: providers with data dates and licences, and a warning for stale data', async () => {
  const store = await reportStore();
  const pfx2as = join(tempDir(), 'routeviews-rv2-20240601-1200.pfx2as');
  writeFileSync(pfx2as, '192.0.3.0\t24\t64777\n');
  await setGeoChain(store.driver, { asn: [pfx2as], country: [] });
  await enrichVictims(store);
  const d = await gatherReportData(store, {});
  const a = d.methodology.attributions;
  assert.match(a[0]!, /^AS numbers and names, first answer wins: RouteViews pfx2as \(data 2024-06-01, \d+ days old: older than 90 days\), RouteViews \/ CAIDA .*; then @ip-location-db\/asn \(data date unknown\), CC BY 4\.0\.$/);
  assert.match(a[1]!, /^Countries, first answer wins: @ip-location-db\/geo-whois-asn-country/);
  assert.match(a[2]!, /special-purpose registries/);
  assert.ok(a.some((x) => /^Warning: ASN data RouteViews pfx2as is from 2024-06-01/.test(x)), a.join('\n'));
  assert.match(renderReportMarkdown(d), /RouteViews pfx2as \(data 2024-06-01/);
  await store.close();
});
