import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.js';
import { buildScenario, HOSTILE, OWNERS, VICTIMS, type Scenario } from '../../test/server-scenario.js';
import { call, json } from './test-client.js';

let s: Scenario;
let app: FastifyInstance;
before(async () => {
  s = await buildScenario();
  app = await buildServer(s.store, { webRoot: null });
  // Staff ask everything first, so a cache shared across scopes would show up below.
  for (const url of OWNER_URLS) await call(app, 'GET', url, s.tokens.admin);
});
after(async () => {
  await app.close();
  await s.store.close();
});

/** Every endpoint an owner may read, with the filters an owner could try. */
const OWNER_URLS = [
  '/api/overview',
  '/api/overview?from=2024-06-01&to=2024-06-30',
  '/api/countries',
  '/api/countries?format=csv',
  '/api/countries/US/networks',
  '/api/countries/US/networks?by=org',
  '/api/countries/VN/networks',
  '/api/countries/DE/networks?format=csv',
  '/api/charts/map',
  '/api/charts/trend',
  '/api/indicators/top',
  '/api/victims',
  '/api/victims?format=csv',
  '/api/victims?country=US',
  '/api/victims?country=DE',
  '/api/victims?asn=64501',
  '/api/session',
];

const OWNERS_UNDER_TEST = [
  { name: 'Telecom A', token: () => s.tokens.telecomA, victims: VICTIMS['Telecom A'], orgs: ['Example Telecom A'] },
  { name: 'Mobile C', token: () => s.tokens.mobileC, victims: VICTIMS['Mobile C'], orgs: ['Example Mobile C'] },
  { name: HOSTILE.owner, token: () => s.tokens.evil, victims: VICTIMS[HOSTILE.owner], orgs: ['Example Cable B'] },
];
const ALL_VICTIMS = Object.values(VICTIMS).flat();
const ALL_ORGS = ['Example Telecom A', 'Example Cable B', 'Example Mobile C', 'Example IPv6 Net'];

test('endpoint by endpoint, an owner reads nothing of other networks: no address, organisation or owner name', async () => {
  for (const o of OWNERS_UNDER_TEST) {
    const others = ALL_VICTIMS.filter((ip) => !o.victims.includes(ip));
    for (const url of OWNER_URLS) {
      const res = await call(app, 'GET', url, o.token());
      assert.equal(res.statusCode, 200, `${o.name} ${url}: ${res.body}`);
      for (const ip of others) assert.ok(!res.body.includes(`"${ip}"`) && !res.body.includes(`${ip},`), `${o.name} ${url} reveals ${ip}`);
      for (const org of ALL_ORGS.filter((x) => !o.orgs.includes(x))) assert.ok(!res.body.includes(org), `${o.name} ${url} reveals ${org}`);
      for (const other of OWNERS.map((x) => x.name).filter((n) => n !== o.name)) assert.ok(!res.body.includes(JSON.stringify(other).slice(1, -1)), `${o.name} ${url} names ${other}`);
    }
  }
  // The same questions from staff do show everything, so the checks above can fail.
  const staff = (await call(app, 'GET', '/api/victims?format=csv', s.tokens.admin)).body;
  for (const ip of ALL_VICTIMS) assert.ok(staff.includes(`${ip},`), ip);
  for (const org of ALL_ORGS) assert.ok(staff.includes(org), org);
});

test('an owner\'s totals count only its victims (no totals that reveal other networks)', async () => {
  for (const o of OWNERS_UNDER_TEST) {
    const ov = json<{ owner: string; headline: { cumulative: number; window: number }; range: { total: number; addresses: number; countries: number } }>(await call(app, 'GET', '/api/overview', o.token()));
    assert.equal(ov.owner, o.name);
    assert.equal(ov.headline.cumulative, o.victims.length, o.name);
    assert.ok(ov.headline.window <= o.victims.length);
    assert.deepEqual([ov.range.total, ov.range.addresses, ov.range.countries], [o.victims.length, o.victims.length, 1]);
    const countries = json<{ rows: { count: number; share: number }[]; victims: number }>(await call(app, 'GET', '/api/countries', o.token()));
    assert.equal(countries.victims, o.victims.length);
    assert.equal(countries.rows.reduce((n, r) => n + r.count, 0), o.victims.length);
    const trend = json<{ days: { victims: number }[] }>(await call(app, 'GET', '/api/charts/trend', o.token()));
    assert.ok(trend.days.every((d) => d.victims <= o.victims.length));
    const top = json<{ rows: { victims: number }[] }>(await call(app, 'GET', '/api/indicators/top', o.token()));
    assert.ok(top.rows.every((r) => r.victims <= o.victims.length));
    const list = json<{ rows: { ip: string }[]; total: number }>(await call(app, 'GET', '/api/victims', o.token()));
    assert.deepEqual(list.rows.map((v) => v.ip).sort(), [...o.victims].sort());
    assert.equal(list.total, o.victims.length);
  }
  const us = json<{ rows: { key: string; count: number }[]; victims: number }>(await call(app, 'GET', '/api/countries/US/networks', s.tokens.telecomA));
  assert.deepEqual(us.rows.map((r) => [r.key, r.count]), [['64500', 3]], 'AS64501 (another owner\'s block) is not listed');
  const vnForA = json<{ rows: unknown[]; victims: number }>(await call(app, 'GET', '/api/countries/VN/networks', s.tokens.telecomA));
  assert.deepEqual([vnForA.rows, vnForA.victims], [[], 0]);
  const map = json<{ svg: string }>(await call(app, 'GET', '/api/charts/map', s.tokens.mobileC));
  assert.deepEqual([...map.svg.matchAll(/data-cc="([A-Z]{2})" data-count/g)].map((m) => m[1]), ['VN']);
});

test("an owner cannot read another network's victim evidence: 404 as if never seen", async () => {
  for (const o of OWNERS_UNDER_TEST) {
    for (const ip of ALL_VICTIMS) {
      const res = await call(app, 'GET', `/api/victims/${encodeURIComponent(ip)}`, o.token());
      const near = await call(app, 'GET', `/api/victims/${encodeURIComponent(ip)}/near-misses`, o.token());
      if (o.victims.includes(ip)) {
        assert.equal(res.statusCode, 200, `${o.name} ${ip}`);
        assert.ok(json<{ evidence: unknown[] }>(res).evidence.length > 0);
        assert.equal(near.statusCode, 200, `${o.name} ${ip} near misses`);
        assert.ok(json<{ telemetryRows: number }>(near).telemetryRows > 0);
      } else {
        assert.equal(res.statusCode, 404, `${o.name} reads ${ip}`);
        assert.ok(!res.body.includes('evidence') && !res.body.includes('203.0.113'), 'nothing about the address');
        assert.equal(near.statusCode, 404, `${o.name} reads ${ip} near misses`);
        assert.ok(!near.body.includes('telemetryRows') && !near.body.includes('203.0.113'), 'no near misses of the address');
      }
    }
  }
  assert.equal((await call(app, 'GET', '/api/victims/192.0.3.1', s.tokens.analyst)).statusCode, 200, 'staff read every victim');
});
