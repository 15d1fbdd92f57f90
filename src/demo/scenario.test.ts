import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { ipLocationDb } from '../core/geo-data.js';
import { CountrySpace } from './address-space.js';
import { isAccessNetwork } from './access-networks.js';
import { demoCountries } from './countries.js';
import { Random } from './random.js';
import { plantDevices, writeTelemetry } from './scenario.js';

async function generate(seed: number) {
  const plan = demoCountries(0.002);
  const space = await CountrySpace.load(ipLocationDb().countryV4[0]!, ipLocationDb().asnV4[0]!, new Set(plan.map((p) => p.cc)));
  const rnd = new Random(seed);
  const o = { seed, start: Date.UTC(2024, 5, 1), days: 30, coverage: 0.5, departedShare: 0.35 };
  const dir = tempDir();
  const truth = writeTelemetry(dir, plantDevices(plan, space, o, rnd), space, o, rnd);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return { truth, digest: h.digest('hex'), files: readdirSync(dir).length };
}

test('the same seed writes the same files; another seed does not', async () => {
  const a = await generate(7);
  const b = await generate(7);
  const c = await generate(8);
  assert.equal(a.files, 90);
  assert.equal(a.digest, b.digest);
  assert.deepEqual(a.truth, b.truth);
  assert.notEqual(a.digest, c.digest);
});

test('planted shares follow the advisory table', async () => {
  const { truth } = await generate(7);
  const share = (cc: string) => (truth.activeByCountry.get(cc) ?? 0) / truth.active;
  assert.ok(Math.abs(share('US') - 0.484) < 0.01, `US ${share('US')}`);
  assert.ok(share('VN') > share('CA'));
  assert.ok(truth.everAddresses > truth.everDevices, 'daily churn gives devices several addresses');
});

test('demo victims live in access networks: the largest networks are ISPs, none is a cloud, a government or unrouted', async () => {
  const plan = demoCountries(0.01);
  const geo = ipLocationDb();
  const space = await CountrySpace.load(geo.countryV4[0]!, geo.asnV4[0]!, new Set(plan.map((p) => p.cc)));
  const devices = plantDevices(plan, space, { seed: 3, start: Date.UTC(2024, 5, 1), days: 30, coverage: 0.5, departedShare: 0.35 }, new Random(3));
  // The AS of each planted address, by a plain search of the range file.
  const rows = readFileSync(geo.asnV4[0]!, 'utf8').trim().split('\n').map((l) => {
    const [lo, hi, , ...org] = l.split(',');
    return { lo: Number(lo), hi: Number(hi), org: org.join(',').replace(/^"(.*)"$/, '$1') };
  });
  const orgOf = (ip: number) => {
    let a = 0;
    let b = rows.length - 1;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if (rows[m]!.lo <= ip) a = m;
      else b = m - 1;
    }
    return rows[a]!.lo <= ip && ip <= rows[a]!.hi ? rows[a]!.org : 'Unknown';
  };
  const byOrg = new Map<string, number>();
  for (const d of devices) byOrg.set(orgOf(d.staticIp), (byOrg.get(orgOf(d.staticIp)) ?? 0) + 1);
  const top = [...byOrg].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([org]) => org);
  assert.equal(byOrg.get('Unknown') ?? 0, 0, 'no victim in unrouted space');
  for (const org of top) assert.ok(isAccessNetwork(org), `${org} is among the top networks`);
  assert.ok(!top.some((o) => /Defense|Amazon|Microsoft|Mercedes/i.test(o)), top.join('; '));
});

test('the access-network rule: ISPs in, clouds, governments, research and enterprises out', () => {
  for (const isp of ['Comcast Cable Communications, LLC', 'AT&T Enterprises, LLC', 'VNPT Corp', 'Viettel Group', 'Deutsche Telekom AG', 'Vodafone GmbH', 'Bharat Sanchar Nigam Ltd', 'Telstra Limited', 'Orange Romania S.A.'])
    assert.ok(isAccessNetwork(isp), isp);
  for (const other of ['United States Department of Defense (DoD)', 'Amazon.com, Inc.', 'Microsoft Corporation', 'Mercedes-Benz Group AG', 'Google LLC', 'University of California, San Diego', 'Level 3 Communications, Inc.', 'OVH SAS', 'UK Ministry of Defence', undefined])
    assert.ok(!isAccessNetwork(other), String(other));
});
