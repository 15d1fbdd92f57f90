// Census arithmetic: devices counted once, shares, top N with the others, exclusions, the three
// measures, and windows that cut days in two (answered alike before and after the store prepares
// its cached folds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCensus } from '../../census/census.js';
import type { CensusQuery, CensusResult } from '../store.js';
import type { ConformanceTarget } from './index.js';
import { flow, ind, ingest, ingestAcrossMidnight, intel, report, scenario, t, windowAnswers } from './records.js';
import { census } from '../../census/count.js';
import { dailyActive } from '../../census/dashboard.js';
import { prepareForQueries } from '../../census/prepare.js';
import { victims } from '../../census/victims.js';

const VN = { countries: ['VN'], asns: [], ranges: [] };

export function censusSuite({ name, open }: ConformanceTarget): void {
  test(`${name}: census counts devices, shares, top N with others, and exclusions`, async () => {
    const store = await scenario(await open());
    const c = await census(store, { by: 'country', measure: 'cumulative', top: 10 });
    assert.equal(c.unit, 'devices');
    assert.equal(c.total, 5); // 192.0.3.1, .3, device D1 (two addresses), 198.51.101.7, .9
    assert.equal(c.addresses, 6);
    assert.deepEqual(c.rows.map((r) => [r.key, r.label, r.count]), [['US', 'United States', 3], ['VN', 'Vietnam', 2]]);
    assert.ok(Math.abs(c.rows[0]!.share - 0.6) < 1e-9);
    const top1 = await census(store, { by: 'country', measure: 'cumulative', top: 1 });
    assert.deepEqual([top1.others?.count, top1.others?.share], [2, 0.4]);
    const conf = await census(store, { by: 'country', measure: 'cumulative', top: 10, minGrade: 'two-way' });
    assert.equal(conf.total, 3);
    const inside = await census(store, { by: 'asn', measure: 'cumulative', top: 10, constituency: VN });
    assert.equal(inside.total, 2);
    assert.equal(inside.excluded.outsideConstituency, 3);
    assert.equal(inside.rows[0]!.label, 'AS64502 Example Mobile C');
    const totalsOf: [CensusQuery, CensusResult][] = [
      [{ by: 'grade', measure: 'cumulative', top: 1 }, c],
      [{ by: 'grade', measure: 'cumulative', top: 1, minGrade: 'two-way' }, conf],
      [{ by: 'family', measure: 'cumulative', top: 1, constituency: VN }, inside],
    ];
    for (const [q, full] of totalsOf) {
      const only = await census(store, { ...q, totalsOnly: true });
      assert.deepEqual([only.total, only.addresses, only.excluded, only.rows], [full.total, full.addresses, full.excluded, []]);
    }
    await store.close();
  });

  test(`${name}: the three measures: active (last hours before at), window, cumulative`, async () => {
    const store = await scenario(await open());
    const at = t('2024-06-12T03:00:00Z');
    const r = await runCensus(store, { by: 'country', measure: 'active', at, activeHours: 6, since: t('2024-06-11T00:00:00Z'), until: at });
    // Active (the six hours before 03:00): the DNS client and device D1. The window from 11 June
    // adds 198.51.101.7 and .9; cumulative adds 192.0.3.1.
    assert.deepEqual(r.headline, { active: 2, window: 4, cumulative: 5, windowInflation: 2, cumulativeInflation: 2.5 });
    assert.equal(r.result.total, 2);
    const window = await census(store, { by: 'country', measure: 'window', from: t('2024-06-12T00:00:00Z'), to: t('2024-06-13T00:00:00Z'), top: 10 });
    assert.equal(window.total, 2);
    await store.close();
  });

  test(`${name}: a victim with several keys counts once per key, and once among the others`, async () => {
    const store = await open();
    await intel(store, ['203.0.113.1', '203.0.113.2', '203.0.113.3'].map((v) => ind('ip', v)), 'a');
    await intel(store, [ind('ip', '203.0.113.2')], 'b');
    await ingest(store, [
      flow('192.0.3.1', '203.0.113.1', '2024-06-10T10:00:00Z'),
      flow('192.0.3.1', '203.0.113.2', '2024-06-10T10:00:00Z'),
      flow('192.0.3.1', '203.0.113.3', '2024-06-10T10:00:00Z'),
      flow('192.0.3.2', '203.0.113.2', '2024-06-10T10:00:00Z'),
      flow('192.0.3.3', '203.0.113.3', '2024-06-10T10:00:00Z'),
      report('192.0.3.200', 'D1', '2024-06-10T11:00:00Z'),
      report('192.0.3.201', 'D1', '2024-06-10T12:00:00Z'),
    ]);
    const c = await census(store, { by: 'indicator', measure: 'cumulative', top: 1 });
    assert.equal(c.total, 4);
    assert.deepEqual(c.rows.map((r) => [r.key, r.count]), [['203.0.113.2', 2]]);
    assert.equal(c.others?.count, 3);
    const all = await census(store, { by: 'indicator', measure: 'cumulative', top: 10 });
    assert.deepEqual(all.rows.map((r) => [r.key, r.count]), [['203.0.113.2', 2], ['203.0.113.3', 2], ['203.0.113.1', 1], ['report:event4_sinkhole', 1]]);
    await store.close();
  });

  test(`${name}: windows that cut days and sightings across midnight answer alike before and after prepareForQueries`, async () => {
    const store = await scenario(await open());
    await ingestAcrossMidnight(store);
    const before = await windowAnswers(store);
    // The midnight-spanning sighting is in a window that holds only its first ten minutes after midnight.
    assert.ok((before.windows[3]![2] as { ip: string }[]).some((v) => v.ip === '192.0.3.1'));
    await prepareForQueries(store);
    assert.deepEqual(await windowAnswers(store), before);
    const days = await dailyActive(store, { from: t('2024-06-11T00:00:00Z'), to: t('2024-06-12T00:00:00Z') });
    assert.ok(days.every((d) => d.victims >= 1), JSON.stringify(days));
    // A later import is counted at once.
    await ingest(store, [flow('192.0.3.6', '203.0.113.10', '2024-06-12T16:00:00Z')]);
    const after = await census(store, { by: 'country', measure: 'window', from: t('2024-06-12T00:00:00Z'), to: t('2024-06-14T00:00:00Z'), top: 10 });
    assert.equal(after.total, (before.windows[4]![0] as CensusResult).total + 1);
    await store.close();
  });

  test(`${name}: one pair's directions on separate rows make it two-way, directions to different indicators do not`, async () => {
    const store = await scenario(await open());
    await ingest(store, [
      flow('192.0.3.5', '203.0.113.10', '2024-06-12T15:00:00Z'),
      flow('203.0.113.10', '192.0.3.5', '2024-06-13T15:00:00Z'),
      flow('192.0.3.6', '203.0.113.10', '2024-06-12T15:00:00Z'),
      flow('203.0.113.200', '192.0.3.6', '2024-06-12T16:00:00Z'),
    ]);
    const grades = async (w: { from?: number; to?: number } = {}) =>
      Object.fromEntries((await victims(store, w)).filter((v) => ['192.0.3.5', '192.0.3.6'].includes(v.ip)).map((v) => [v.ip, v.grade]));
    const expected = { '192.0.3.5': 'two-way', '192.0.3.6': 'one-way' };
    assert.deepEqual(await grades(), expected);
    // A window holding only the outbound half sees a one-way victim.
    assert.equal((await grades({ from: t('2024-06-12T00:00:00Z'), to: t('2024-06-12T23:00:00Z') }))['192.0.3.5'], 'one-way');
    const twoWay = async () => (await census(store, { by: 'country', measure: 'cumulative', top: 10, minGrade: 'two-way' })).total;
    const before = await twoWay();
    await prepareForQueries(store);
    assert.deepEqual(await grades(), expected);
    assert.equal(await twoWay(), before);
    await store.close();
  });

  test(`${name}: questions asked at once answer as if asked one by one, and a write lands whole between reads`, async () => {
    const store = await scenario(await open());
    const asks = [
      () => census(store, { by: 'country', measure: 'cumulative', top: 10 }),
      () => census(store, { by: 'tag', measure: 'cumulative', top: 10 }),
      () => census(store, { by: 'asn', measure: 'cumulative', top: 10, constituency: VN }),
      () => census(store, { by: 'indicator', measure: 'cumulative', top: 10 }),
      () => victims(store, { constituency: VN }),
      () => victims(store, {}),
    ];
    const oneByOne: unknown[] = [];
    for (const ask of asks) oneByOne.push(await ask());
    for (let round = 0; round < 3; round++) assert.deepEqual(await Promise.all(asks.map((ask) => ask())), oneByOne);
    const during = await Promise.all([asks[0]!(), ingest(store, [flow('192.0.3.9', '203.0.113.10', '2024-06-15T00:00:00Z')]), asks[0]!()]);
    assert.equal((during[0] as CensusResult).total, 5);
    assert.equal((during[2] as CensusResult).total, 6);
    await store.close();
  });
}
