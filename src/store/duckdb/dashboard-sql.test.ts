import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY, HOSTILE_DOMAIN, reportStore } from '../../../test/report-fixture.js';
import { census } from '../../census/count.js';
import { dailyActive, topIndicators, warninglists } from '../../census/dashboard.js';

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

test('dailyActive: each day equals a census of that UTC day, quiet days are 0', async () => {
  const store = await reportStore();
  const days = await dailyActive(store, { from: day('2024-06-02'), to: Date.parse('2024-06-12T12:00:00Z') });
  assert.equal(days.length, 11);
  assert.deepEqual(days.map((d) => d.day).slice(0, 2), ['2024-06-02', '2024-06-03']);
  assert.deepEqual(days.map((d) => d.victims), [0, 1, 0, 0, 0, 0, 2, 2, 2, 5, 11]);
  for (const d of days) {
    const c = await census(store, { by: 'country', measure: 'window', from: day(d.day), to: day(d.day) + DAY - 1, top: 1 });
    assert.equal(d.victims, c.total, d.day);
  }
  await store.close();
});

test('dailyActive follows the census rules: owner, constituency, warninglists, grade', async () => {
  const store = await reportStore();
  const q = { from: day('2024-06-08'), to: day('2024-06-12') };
  const telecom = await dailyActive(store, { ...q, owner: 'Example Telecom' });
  assert.deepEqual(telecom.map((d) => d.victims), [1, 1, 2, 2, 2]); // 192.0.3.1 daily, .4 on the 10th, .3 on the 11th, .2 on the 12th
  const vn = await dailyActive(store, { ...q, constituency: { countries: ['VN'], asns: [], ranges: [] } });
  assert.deepEqual(vn.map((d) => d.victims), [1, 0, 0, 1, 2]);
  const plain = await dailyActive(store, q);
  const warned = await dailyActive(store, { ...q, includeWarned: true });
  assert.deepEqual(plain.map((d) => d.victims), [2, 2, 2, 5, 11]);
  assert.deepEqual(warned.map((d) => d.victims), [2, 2, 3, 5, 11]); // 100.63.2.4 is on "Research scanners"
  const twoWay = await dailyActive(store, { ...q, minGrade: 'two-way' });
  assert.deepEqual(twoWay.map((d) => d.victims), [0, 0, 0, 2, 3]); // DNS and report rows are confirmed; 192.0.3.1 two-way on the 12th
  await store.close();
});

test('topIndicators: the census by indicator, with type, sources and kinds', async () => {
  const store = await reportStore();
  const top = await topIndicators(store, { limit: 10 });
  const counted = await census(store, { by: 'indicator', measure: 'cumulative', top: 10 });
  assert.deepEqual(top.map((t) => [t.indicator, t.victims]), counted.rows.map((r) => [r.key, r.count]));
  assert.deepEqual(top[0], { indicator: '203.0.113.10', type: 'ip', sources: ['advisory'], families: ['raptor-train'], kinds: ['flow'], victims: 11, share: 11 / 17 });
  const hostile = top.find((t) => t.indicator === HOSTILE_DOMAIN)!;
  assert.equal(hostile.type, 'domain');
  assert.deepEqual(top.find((t) => t.type === 'report')?.kinds, ['report']);
  const one = await topIndicators(store, { limit: 1 });
  assert.equal(one.length, 1);
  await store.close();
});

test('topIndicators for an owner counts only its victims', async () => {
  const store = await reportStore();
  const mobile = await topIndicators(store, { limit: 10, owner: 'Example Mobile' });
  assert.deepEqual(mobile.map((t) => [t.indicator, t.victims, t.share]), [['203.0.113.128/25', 3, 1]]);
  const nobody = await topIndicators(store, { limit: 10, owner: 'No Such Owner' });
  assert.deepEqual(nobody, []);
  const window = await topIndicators(store, { limit: 10, from: day('2024-06-12'), to: day('2024-06-13') });
  const counted = await census(store, { by: 'indicator', measure: 'window', from: day('2024-06-12'), to: day('2024-06-13'), top: 10 });
  assert.deepEqual(window.map((t) => t.victims), counted.rows.map((r) => r.count));
  await store.close();
});

test('warninglists: names and entry counts', async () => {
  const store = await reportStore();
  assert.deepEqual(await warninglists(store), [
    { list: 'Public DNS resolvers', entries: 1 },
    { list: 'Research scanners', entries: 1 },
  ]);
  await store.close();
});
