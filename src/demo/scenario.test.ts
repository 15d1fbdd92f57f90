import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { ipLocationDb } from '../core/geo-data.js';
import { CountrySpace } from './address-space.js';
import { demoCountries } from './countries.js';
import { Random } from './random.js';
import { plantDevices, writeTelemetry } from './scenario.js';

async function generate(seed: number) {
  const plan = demoCountries(0.002);
  const space = await CountrySpace.load(ipLocationDb().countryV4[0]!, new Set(plan.map((p) => p.cc)));
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
