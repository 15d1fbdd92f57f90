// What the dashboard's drill-downs ask: indicators counted in a range and their victims, victims
// of one organisation, one network's name, count and share, and an owner's map of its one country.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { serveScenario, VICTIMS, type Scenario } from '../../test/server-scenario.js';
import { call, json } from './test-client.js';

let s: Scenario;
let app: FastifyInstance;
serveScenario((x, a) => ([s, app] = [x, a]));

const get = <T>(url: string, token = s.tokens.analyst) => call(app, 'GET', url, token).then((r) => {
  assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
  return json<T>(r);
});

interface Indicator {
  value: string;
  victims: number;
}
interface Page<T> {
  rows: T[];
  total: number;
}

test('indicators count their victims in the range, and each count is the list its link opens', async () => {
  const day = 'from=2024-06-13&to=2024-06-13';
  const all = await get<Page<Indicator>>('/api/indicators?matched=yes');
  const inDay = await get<Page<Indicator>>(`/api/indicators?matched=yes&${day}`);
  const count = (p: Page<Indicator>, v: string) => p.rows.find((r) => r.value === v)?.victims ?? 0;
  assert.ok(count(all, '203.0.113.10') > count(inDay, '203.0.113.10'), JSON.stringify({ all: all.rows, inDay: inDay.rows }));
  assert.ok(count(inDay, '203.0.113.10') > 0);
  for (const [page, q] of [[all, ''], [inDay, `&${day}`]] as const)
    for (const i of page.rows) {
      const victims = await get<Page<{ ip: string; indicators: string[] }>>(`/api/victims?indicator=${encodeURIComponent(i.value)}${q}`);
      assert.equal(victims.total, i.victims, `${i.value}${q}`);
      for (const v of victims.rows) assert.ok(v.indicators.includes(i.value), `${v.ip} lists ${i.value}`);
    }
  assert.equal((await get<Page<unknown>>('/api/victims?indicator=203.0.113.99')).total, 0);
});

test("a country's organisations and ASNs: one network's name, count and share, and its victims", async () => {
  const orgs = await get<Page<{ key: string; count: number }>>('/api/countries/US/networks?by=org');
  assert.ok(orgs.rows.length >= 2, JSON.stringify(orgs.rows));
  for (const o of orgs.rows) {
    const victims = await get<Page<{ asOrg?: string }>>(`/api/victims?country=US&org=${encodeURIComponent(o.key)}`);
    assert.equal(victims.total, o.count, o.key);
  }
  const one = await get<Page<{ key: string; label: string; count: number; share: number }> & { name: string }>('/api/countries/VN/networks?by=asn&key=64502');
  assert.equal(one.rows.length, 1);
  assert.equal(one.rows[0]!.key, '64502');
  assert.equal(one.rows[0]!.count, VICTIMS['Mobile C'].length);
  assert.equal(one.rows[0]!.share, 1);
  assert.equal(one.name, 'Vietnam');
  assert.equal((await get<Page<unknown>>('/api/countries/VN/networks?by=asn&key=1')).rows.length, 0);
});

test("an owner whose victims are in one country gets that country's map; staff get the world", async () => {
  const owner = await get<{ svg: string }>('/api/charts/map', s.tokens.mobileC);
  assert.match(owner.svg, /^<svg data-focus="VN" /);
  assert.match(owner.svg, /data-cc="VN" data-count="2"/);
  const staff = await get<{ svg: string }>('/api/charts/map');
  assert.doesNotMatch(staff.svg, /data-focus/);
  // Telecom A's victims are all in the US as well; one spread over several would see the world.
  assert.match((await get<{ svg: string }>('/api/charts/map', s.tokens.telecomA)).svg, /^<svg data-focus="US" /);
});
