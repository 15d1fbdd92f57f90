// The portal's victim and indicator pages on the DuckDB store (window-pages.engines.test.ts holds ClickHouse to the same answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, VICTIMS } from '../../../test/server-scenario.js';
import type { Store } from '../../store/store.js';
import { indicatorPage, victimPage, type IndicatorPageQuery, type VictimPageQuery } from './window-pages-sql.js';

const pages = (store: Store) => ({
  victimPage: (q: VictimPageQuery) => victimPage(store, q),
  indicatorPage: (q: IndicatorPageQuery) => indicatorPage(store, q),
});

const base = { sort: 'ip', dir: 'asc', limit: 50, offset: 0 } as const;

test('victim pages: filters, owner scope, allow-listed sorting, paging and totals', async () => {
  const { store } = await buildScenario();
  const a = pages(store);
  const all = await a.victimPage({ ...base });
  assert.equal(all.total, 7);
  const us = await a.victimPage({ ...base, country: 'us' });
  assert.deepEqual(us.rows.map((v) => v.ip), ['192.0.3.1', '192.0.3.2', '192.0.3.3', '192.0.3.130']);
  const asn = await a.victimPage({ ...base, country: 'US', asn: 64501 });
  assert.deepEqual(asn.rows.map((v) => v.ip), ['192.0.3.130']);
  const mine = await a.victimPage({ ...base, owner: 'Mobile C' });
  assert.deepEqual(mine.rows.map((v) => v.ip), VICTIMS['Mobile C']);
  assert.equal((await a.victimPage({ ...base, owner: 'Mobile C', country: 'US' })).total, 0);
  const page2 = await a.victimPage({ ...base, limit: 3, offset: 3 });
  assert.deepEqual([page2.rows.length, page2.total], [3, 7]);
  const beyond = await a.victimPage({ ...base, limit: 3, offset: 30 });
  assert.deepEqual([beyond.rows.length, beyond.total], [0, 7]);
  const byEvents = await a.victimPage({ ...base, sort: 'events', dir: 'desc' });
  assert.equal(byEvents.rows[0]!.ip, '192.0.3.1'); // two flow records
  const byGrade = await a.victimPage({ ...base, sort: 'grade', dir: 'desc' });
  assert.equal(byGrade.rows[0]!.grade, 'confirmed');
  const window = await a.victimPage({ ...base, from: Date.parse('2024-06-13T00:00:00Z'), to: Date.parse('2024-06-13T23:59:59Z') });
  assert.deepEqual(window.rows.map((v) => v.ip), ['192.0.3.130', '198.51.101.9']);
  await assert.rejects(a.victimPage({ ...base, sort: 'ip; DROP TABLE sightings' as 'ip' }), /unknown sort/);
  await assert.rejects(a.victimPage({ ...base, dir: 'asc, 1' as 'asc' }), /unknown sort/);
  await store.close();
});

test('indicator pages: search, source, matched, sorting; per-source counts', async () => {
  const { store } = await buildScenario();
  const a = pages(store);
  const q = { sort: 'victims', dir: 'desc', limit: 50, offset: 0 } as const;
  const all = await a.indicatorPage(q);
  assert.deepEqual(all.rows.map((i) => [i.value, i.victims]), [['203.0.113.10', 6], ['c2.example', 2], ['203.0.113.99', 0]]);
  assert.deepEqual((await a.indicatorPage({ ...q, q: 'C2.EX' })).rows.map((i) => i.value), ['c2.example']);
  assert.deepEqual((await a.indicatorPage({ ...q, q: 'tier2' })).rows.map((i) => i.value), ['203.0.113.10'], 'tags are searched');
  assert.deepEqual((await a.indicatorPage({ ...q, q: "'; SELECT 1; --" })).rows, [], 'search text is a value, not SQL');
  assert.deepEqual((await a.indicatorPage({ ...q, matched: false })).rows.map((i) => i.value), ['203.0.113.99']);
  assert.equal((await a.indicatorPage({ ...q, matched: true })).total, 2);
  assert.equal((await a.indicatorPage({ ...q, source: 'other' })).total, 0);
  assert.deepEqual((await a.indicatorPage({ ...q, sort: 'value', dir: 'asc', limit: 1, offset: 1 })).rows.map((i) => i.value), ['203.0.113.99']);
  await store.close();
});
