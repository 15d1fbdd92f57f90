import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChartSvg } from './bar-chart.js';
import { countFill, NO_DATA_FILL, paletteAt } from './color-scale.js';
import { alpha2OfShape, numericOf } from './country-codes.js';
import { esc, fitLabel, niceTicks } from './svg-util.js';
import { trendChartSvg } from './trend-chart.js';
import { loadWorldAtlas } from './world-atlas.js';
import { countriesOffMap, worldMapSvg } from './world-map.js';

/** Perceived lightness of a #rrggbb colour: darker fills mean more victims. */
const lightness = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).reduce((a, v, i) => a + v * [0.299, 0.587, 0.114][i]!, 0);
const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];

test('country codes: alpha-2 to the atlas ids and back, and the shapes without ids', () => {
  assert.equal(numericOf('us'), '840');
  assert.equal(numericOf('AF'), '004');
  assert.equal(numericOf('ZZ'), undefined);
  assert.equal(alpha2OfShape('004'), 'AF');
  assert.equal(alpha2OfShape(840), 'US');
  assert.equal(alpha2OfShape(undefined, 'Kosovo'), 'XK');
  assert.equal(alpha2OfShape(undefined, 'Atlantis'), undefined);
});

test('atlas: 110m outlines without Antarctica, points for countries too small to draw', () => {
  const atlas = loadWorldAtlas();
  const ccs = new Set(atlas.shapes.map((s) => s.cc));
  for (const cc of ['US', 'VN', 'DE', 'BR', 'IN', 'RU', 'CN']) assert.ok(ccs.has(cc), cc);
  assert.ok(!ccs.has('AQ'));
  const [lon, lat] = atlas.points.SG!;
  assert.ok(Math.abs(lon - 103.8) < 0.5 && Math.abs(lat - 1.35) < 0.5, `Singapore at ${lon},${lat}`);
  assert.ok(atlas.points.HK && atlas.points.MT && !atlas.points.US);
});

test('colour scale: grey for none, darker with more victims, never equal for different counts', () => {
  assert.equal(countFill(0, 100), NO_DATA_FILL);
  const fills = [1, 2, 3, 10, 100].map((n) => countFill(n, 100));
  assert.equal(new Set(fills).size, 5);
  for (let i = 1; i < fills.length; i++) assert.ok(lightness(fills[i]!) < lightness(fills[i - 1]!), `${fills[i]} darker than ${fills[i - 1]}`);
  assert.equal(countFill(100, 100), paletteAt(1));
  assert.match(paletteAt(0.5), /^#[0-9a-f]{6}$/);
});

test('world map: a filled path per country with victims, a dot for small ones, the rest grey', () => {
  const atlas = loadWorldAtlas();
  const svg = worldMapSvg(
    [
      { cc: 'US', count: 30, name: 'United States' },
      { cc: 'vn', count: 3, name: 'Vietnam' },
      { cc: 'DE', count: 3 },
      { cc: 'SG', count: 1, name: 'Singapore' },
      { cc: '??', count: 2, name: 'Unknown' },
      { cc: 'FR', count: 0 },
    ],
    atlas,
  );
  assert.match(svg, /^<svg [^>]*viewBox="0 0 960 \d+"/);
  const paths = [...svg.matchAll(/<path [^>]*>/g)].map((m) => m[0]);
  assert.ok(paths.length >= 170, `${paths.length} country paths`);
  const filled = paths.filter((p) => attr(p, 'data-count'));
  assert.deepEqual(filled.map((p) => attr(p, 'data-cc')).sort(), ['DE', 'US', 'VN']);
  const fill = (cc: string) => attr(filled.find((p) => attr(p, 'data-cc') === cc)!, 'fill')!;
  assert.notEqual(fill('US'), fill('VN'));
  assert.equal(fill('VN'), fill('DE'));
  assert.ok(lightness(fill('US')) < lightness(fill('VN')));
  const france = paths.find((p) => attr(p, 'data-cc') === 'FR')!;
  assert.equal(attr(france, 'fill'), NO_DATA_FILL);
  assert.match(svg, /<circle [^>]*data-cc="SG" data-count="1"><title>Singapore: 1<\/title>/);
  assert.match(svg, /<title>United States: 30<\/title>/);
  assert.deepEqual(countriesOffMap([{ cc: '??', count: 2 }, { cc: 'SG', count: 1 }, { cc: 'US', count: 1 }], atlas), [{ cc: '??', count: 2 }]);
});

test('world map escapes names from the data', () => {
  const svg = worldMapSvg([{ cc: 'US', count: 1, name: '<script>x</script>' }], loadWorldAtlas());
  assert.ok(!svg.includes('<script>'));
  assert.match(svg, /&lt;script&gt;x&lt;\/script&gt;: 1/);
});

test('bars: lengths proportional to values, labels fitted and escaped, empty input', () => {
  const svg = barChartSvg([
    { label: 'AS64500 Example Telecom A', value: 40, share: 0.5 },
    { label: '<script>alert(1)</script> & a very long organisation name indeed', value: 10, share: 0.125 },
  ]);
  const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 2);
  assert.ok(Math.abs(widths[0]! / widths[1]! - 4) < 0.05, `${widths}`);
  assert.ok(!svg.includes('<script>'));
  assert.match(svg, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; a very long organisation name indeed: 10 \(12\.5%\)<\/title>/);
  assert.match(svg, />40 \(50\.0%\)</);
  assert.match(svg, /…<\/text>/);
  assert.match(barChartSvg([]), /No data/);
});

test('trend: one point per day on a 0-based axis with round ticks', () => {
  const days = ['2024-06-08', '2024-06-09', '2024-06-10', '2024-06-11', '2024-06-12'];
  const svg = trendChartSvg(days.map((day, i) => ({ day, value: [2, 2, 3, 5, 11][i]! })));
  const dots = [...svg.matchAll(/<circle [^>]*cy="([\d.]+)"[^>]*data-day="([\d-]+)" data-value="(\d+)"/g)];
  assert.deepEqual(dots.map((d) => d[2]), days);
  const cy = dots.map((d) => Number(d[1]));
  assert.equal(cy[0], cy[1]);
  assert.ok(cy[4]! < cy[3]! && cy[3]! < cy[2]! && cy[2]! < cy[1]!);
  assert.match(svg, />12 Jun</);
  assert.match(svg, />15<\/text>/); // top tick above 11
  assert.match(trendChartSvg([]), /No data/);
});

test('helpers: ticks, label fitting, escaping', () => {
  assert.deepEqual(niceTicks(11), [0, 5, 10, 15]);
  assert.deepEqual(niceTicks(3), [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  assert.deepEqual(niceTicks(260_000).slice(0, 3), [0, 100_000, 200_000]);
  assert.equal(fitLabel('abcdef', 4), 'abc…');
  assert.equal(fitLabel('abc', 4), 'abc');
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
