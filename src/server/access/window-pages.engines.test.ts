// The portal's victim and indicator pages written once: the same pages on DuckDB from kept windows
// and from windows computed per question, and on ClickHouse, over filters, sorts, windows and pages.
import assert from 'node:assert/strict';
import type { Page } from '../../store/access.js';
import type { IndicatorRow, VictimRow } from '../../store/store.js';
import { t } from '../../store/conformance/records.js';
import { sameOnEngines } from '../../../test/window-scenario.js';
import { indicatorPage, INDICATOR_SORTS, victimPage, VICTIM_SORTS } from './window-pages-sql.js';

const DAY_12 = { from: t('2024-06-12T00:00:00Z'), to: t('2024-06-12T23:59:59Z') };

await sameOnEngines(
  'victim and indicator pages',
  async (src) => {
    const out: Record<string, unknown> = {};
    const page = { limit: 4, offset: 0 };
    for (const sort of VICTIM_SORTS)
      for (const dir of ['asc', 'desc'] as const) out[`victims ${sort} ${dir}`] = await victimPage(src, { ...page, sort, dir, offset: 1 });
    const v = { sort: 'ip', dir: 'asc', limit: 50, offset: 0 } as const;
    out['victims US'] = await victimPage(src, { ...v, country: 'us' });
    out['victims AS'] = await victimPage(src, { ...v, asn: 64501 });
    out['victims org'] = await victimPage(src, { ...v, org: 'Unknown' });
    out['victims owner'] = await victimPage(src, { ...v, owner: 'Mobile' });
    out['victims indicator'] = await victimPage(src, { ...v, indicator: '203.0.113.10' });
    out['victims report'] = await victimPage(src, { ...v, indicator: 'report:event4_sinkhole' });
    out['victims day 12'] = await victimPage(src, { ...v, ...DAY_12 });
    out['victims beyond'] = await victimPage(src, { ...v, offset: 100 });
    for (const sort of INDICATOR_SORTS)
      for (const dir of ['asc', 'desc'] as const) out[`indicators ${sort} ${dir}`] = await indicatorPage(src, { ...page, sort, dir, offset: 1 });
    const i = { sort: 'value', dir: 'asc', limit: 50, offset: 0 } as const;
    out.indicators = await indicatorPage(src, i);
    out['indicators day 12'] = await indicatorPage(src, { ...i, ...DAY_12 });
    out['indicators search'] = await indicatorPage(src, { ...i, q: 'C2.EX' });
    out['indicators tag'] = await indicatorPage(src, { ...i, q: 'tier2' });
    out['indicators hostile'] = await indicatorPage(src, { ...i, q: "%'; SELECT 1; --" });
    out['indicators matched'] = await indicatorPage(src, { ...i, matched: true, ...DAY_12 });
    out['indicators unmatched'] = await indicatorPage(src, { ...i, matched: false });
    out['indicators type'] = await indicatorPage(src, { ...i, type: 'cidr', source: 'advisory' });
    return out;
  },
  (a) => {
    const victims = (k: string) => (a[k] as Page<VictimRow>).rows.map((r) => r.ip);
    const indicators = (k: string) => (a[k] as Page<IndicatorRow>).rows;
    assert.equal((a['victims ip asc'] as Page<VictimRow>).total, (a['victims beyond'] as Page<VictimRow>).total);
    assert.equal((a['victims ip asc'] as Page<VictimRow>).rows.length, 4);
    assert.deepEqual(victims('victims owner'), ['198.51.101.7', '198.51.101.9']);
    assert.deepEqual(victims('victims report'), ['192.0.3.200', '192.0.3.201', '192.0.3.202']);
    assert.ok(victims('victims indicator').includes('198.51.100.20'));
    assert.ok(!victims('victims day 12').includes('198.51.101.7'));
    const all = indicators('indicators');
    assert.deepEqual(all.find((r) => r.value === '8.8.8.8')?.warnings, ['Public DNS']);
    assert.deepEqual(all.find((r) => r.value === 'c2.example')?.warnings, ['Sinkholed names']);
    assert.deepEqual(all.find((r) => r.value === '203.0.113.10')?.warnings, []);
    assert.deepEqual(indicators('indicators search').map((r) => r.value), ['c2.example']);
    assert.deepEqual(indicators('indicators tag').map((r) => r.value), ['203.0.113.10']);
    assert.deepEqual(indicators('indicators hostile'), []);
    assert.deepEqual(indicators('indicators type').map((r) => r.value), ['203.0.113.128/25']);
    assert.ok(indicators('indicators matched').every((r) => r.victims > 0) && indicators('indicators unmatched').every((r) => r.victims === 0));
  },
);
