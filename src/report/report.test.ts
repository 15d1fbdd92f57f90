import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type HTMLElement } from 'node-html-parser';
import { runCensus } from '../census/census.js';
import { NO_DATA_FILL } from './charts/color-scale.js';
import { fmtShare } from './charts/svg-util.js';
import { renderReportHtml } from './html.js';
import { mdEscape, renderReportMarkdown } from './markdown.js';
import { gatherReportData, type ReportData } from './report-data.js';
import type { IdentificationSource } from './sources.js';
import { HOSTILE_DOMAIN, LATEST, reportStore } from '../../test/report-fixture.js';
import { NOT_AVAILABLE } from './text.js';

const cells = (tr: HTMLElement) => tr.querySelectorAll('td').map((td) => td.text.trim());

async function gathered(o: Parameters<typeof gatherReportData>[1] = {}, sources?: Parameters<typeof gatherReportData>[2]) {
  const store = await reportStore();
  const data = await gatherReportData(store, o, sources);
  return { store, data };
}

test('HTML country table and headline equal runCensus', async () => {
  const { store, data } = await gathered({ top: 4 });
  const census = await runCensus(store, { by: 'country', measure: 'active', top: 4 });
  const doc = parse(renderReportHtml(data));
  const rows = doc.querySelectorAll('#country-table tbody tr');
  const body = rows.filter((r) => r.classList.contains('country'));
  assert.equal(body.length, census.result.rows.length);
  body.forEach((tr, i) => {
    const want = census.result.rows[i]!;
    assert.deepEqual(cells(tr), [want.label, want.key, String(want.count), fmtShare(want.share)]);
    assert.equal(Number(tr.getAttribute('data-count')), want.count);
    assert.equal(Number(tr.getAttribute('data-share')), want.share);
  });
  const others = rows.find((r) => r.classList.contains('others'))!;
  assert.deepEqual(cells(others), [census.result.others!.label, '', String(census.result.others!.count), fmtShare(census.result.others!.share)]);
  assert.deepEqual(cells(rows.find((r) => r.classList.contains('total'))!), ['Total', '', String(census.result.total), '100.0%']);
  const cards = doc.querySelectorAll('#headline .card');
  assert.deepEqual(
    cards.map((c) => [c.getAttribute('data-measure'), Number(c.querySelector('.count')!.text)]),
    [['active', census.headline.active], ['window', census.headline.window], ['cumulative', census.headline.cumulative]],
  );
  assert.deepEqual([census.headline.active, census.headline.window, census.headline.cumulative], [11, 16, 17]);
  assert.match(doc.querySelector('#headline')!.text, /1\.45× the active count/);
  assert.equal(data.census.at, LATEST);
  await store.close();
});

test('HTML map: a filled path per country with victims, fills ordered by count', async () => {
  const { store, data } = await gathered();
  const doc = parse(renderReportHtml(data));
  const svg = doc.querySelector('#countries svg.world-map')!;
  const filled = svg.querySelectorAll('[data-count]');
  const byCc = new Map(filled.map((e) => [e.getAttribute('data-cc')!, e]));
  assert.deepEqual([...byCc.keys()].sort(), data.countries.map((c) => c.key).sort());
  assert.equal(byCc.get('SG')!.tagName, 'CIRCLE'); // too small for the 1:110m outlines
  assert.equal(byCc.get('US')!.tagName, 'PATH');
  const fill = (cc: string) => byCc.get(cc)!.getAttribute('fill');
  assert.notEqual(fill('US'), fill('DE')); // 3 against 1
  assert.notEqual(fill('BR'), fill('DE')); // 2 against 1
  assert.equal(fill('BR'), fill('VN')); // 2 and 2
  for (const e of filled) assert.notEqual(e.getAttribute('fill'), NO_DATA_FILL);
  assert.equal(svg.querySelector('path[data-cc="FR"]')!.getAttribute('fill'), NO_DATA_FILL); // only cumulative
  await store.close();
});

test('HTML is self-contained and escapes values from imported data', async () => {
  const { store, data } = await gathered({ measure: 'cumulative' });
  const html = renderReportHtml(data);
  assert.ok(!/<script|<link|<img|<iframe|@import|url\(/i.test(html), 'no scripts, links, images or CSS fetches');
  assert.ok(!/(src|href)=/i.test(html));
  assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
  assert.ok(html.includes('<title>AS64501 &lt;script&gt;alert(&quot;as&quot;)&lt;/script&gt; Evil &amp; Co: 2 (11.8%)</title>'));
  const doc = parse(html);
  const indicators = doc.querySelectorAll('#indicator-table tbody tr').map(cells);
  assert.ok(indicators.some((r) => r[0] === HOSTILE_DOMAIN && r[1] === 'domain')); // .text decodes entities
  assert.ok(html.includes('<code>&lt;script&gt;alert(2)&lt;/script&gt;.example</code>'));
  assert.equal(indicators[0]![0], '203.0.113.10');
  assert.equal(doc.querySelectorAll('#networks svg').length, 1); // one organisation per ASN: no second chart
  await store.close();
});

test('sections without identification data say so; with it they show bars and KEV data', async () => {
  const empty = await gathered();
  let doc = parse(renderReportHtml(empty.data));
  assert.equal(doc.querySelector('#devices .na')!.text, NOT_AVAILABLE);
  assert.equal(doc.querySelector('#cves .na')!.text, NOT_AVAILABLE);
  assert.equal(doc.querySelector('#remediation'), null);
  await empty.store.close();

  const seen: unknown[] = [];
  const identification: IdentificationSource = {
    devices: async (scope) => {
      seen.push(scope);
      return [
        { type: 'router', vendor: 'MikroTik', count: 5 },
        { type: 'router', vendor: 'DrayTek', count: 2 },
        { type: 'camera', vendor: 'Hikvision <b>', count: 3 },
      ];
    },
    cves: async () => [
      { cve: 'CVE-2018-14847', vendor: 'MikroTik', product: 'RouterOS', victims: 5, kev: { dateAdded: '2021-11-03', dueDate: '2022-05-03', knownRansomwareUse: 'Unknown' } },
      { cve: 'CVE-2099-0001', victims: 1 },
    ],
  };
  const remediation = async () => ({ id: 'remediation', title: 'Remediation', paragraphs: ['2 of 11 cleaned <up>.'], table: { columns: ['Owner', 'Notified'], rows: [['Example Telecom', 3]] } });
  const full = await gathered({ owner: 'Example Telecom' }, { identification, remediation });
  assert.deepEqual(seen, [{ from: full.data.census.window.from, to: full.data.census.window.to, owner: 'Example Telecom', constituency: undefined }]);
  doc = parse(renderReportHtml(full.data));
  const typeBars = doc.querySelectorAll('#devices svg')[0]!.querySelectorAll('g.bar');
  assert.deepEqual(typeBars.map((b) => [b.querySelector('text')!.text, b.getAttribute('data-value')]), [['router', '7'], ['camera', '3']]);
  assert.match(doc.querySelector('#devices')!.innerHTML, /Hikvision &lt;b&gt;/);
  const cves = doc.querySelectorAll('#cve-table tbody tr').map(cells);
  assert.deepEqual(cves[0], ['CVE-2018-14847', 'MikroTik RouterOS', '5', '2021-11-03', '2022-05-03', 'Unknown']);
  assert.deepEqual(cves[1], ['CVE-2099-0001', '–', '1', 'not in KEV', '–', '–']);
  assert.match(doc.querySelector('#remediation')!.innerHTML, /2 of 11 cleaned &lt;up&gt;\./);
  const md = renderReportMarkdown(full.data);
  assert.match(md, /\| router \| 7 \| 70\.0% \|/);
  assert.match(md, /\| CVE-2018-14847 \| MikroTik RouterOS \| 5 \| 2021-11-03 \|/);
  assert.match(md, /## Remediation\n\n2 of 11 cleaned &lt;up&gt;\./);
  await full.store.close();
});

test('an owner report shows only that owner’s victims', async () => {
  const { store, data } = await gathered({ owner: 'Example Mobile', measure: 'cumulative' });
  const census = await runCensus(store, { by: 'country', measure: 'cumulative', owner: 'Example Mobile' });
  assert.deepEqual(data.census.result, census.result);
  assert.deepEqual(census.result.rows.map((r) => [r.key, r.count]), [['VN', 3]]);
  assert.deepEqual(data.asns.rows.map((r) => r.key), ['64502']);
  assert.deepEqual(data.indicators.map((i) => i.indicator), ['203.0.113.128/25']);
  assert.equal(Math.max(...data.trend.days.map((d) => d.victims)), 2);
  const html = renderReportHtml(data);
  for (const other of ['Example Telecom A', 'Example Brasil Net', '203.0.113.10', 'f3.txt']) assert.ok(!html.includes(other), other);
  const doc = parse(html);
  assert.deepEqual(doc.querySelectorAll('#country-table tbody tr').map((tr) => tr.getAttribute('data-key')), ['VN', 'total']);
  assert.deepEqual(doc.querySelectorAll('svg.world-map [data-count]').map((e) => e.getAttribute('data-cc')), ['VN']);
  assert.match(html, /networks of Example Mobile/);
  await store.close();
});

test('Markdown carries the same country table, escaped', async () => {
  const { store, data } = await gathered({ measure: 'cumulative', top: 3 });
  const md = renderReportMarkdown(data);
  const r = data.census.result;
  for (const row of r.rows) assert.ok(md.includes(`| ${row.label} | ${row.key} | ${row.count} | ${fmtShare(row.share)} |`), row.label);
  assert.ok(md.includes(`| ${r.others!.label} |  | ${r.others!.count} | ${fmtShare(r.others!.share)} |`));
  assert.ok(md.includes(`| **Total** |  | **${r.total}** | 100.0% |`));
  assert.ok(!md.includes('<script>'));
  assert.ok(md.includes(mdEscape(HOSTILE_DOMAIN)));
  assert.equal(mdEscape('a|b <i>[x](y)</i>\nz'), 'a\\|b &lt;i&gt;\\[x\\](y)&lt;/i&gt; z');
  assert.ok(md.includes('- **Warninglists:** Public DNS resolvers (1 entry); Research scanners (1 entry).'));
  await store.close();
});

test('an empty store gives a report with zeros, not an error', async () => {
  const { DuckDbStore } = await import('../store/duckdb/index.js');
  const { REPORT_GEO } = await import('../../test/report-fixture.js');
  const { tempDir } = await import('../../test/tmp.js');
  const store = await DuckDbStore.open(`${tempDir()}/empty.duckdb`, { geo: REPORT_GEO, threads: 1 });
  const data: ReportData = await gatherReportData(store);
  const doc = parse(renderReportHtml(data));
  assert.deepEqual(cells(doc.querySelector('#country-table tr.total')!), ['Total', '', '0', '–']);
  assert.match(doc.querySelector('header')!.text, /no sightings in the store/);
  assert.match(renderReportMarkdown(data), /No sightings to draw a trend from/);
  await store.close();
});
