// End to end in Debian's chromium: sign in, overview, click a country on the map, drill down to a
// victim's evidence, export a CSV, upload a file; an owner sees only its own victims; imported
// markup is shown as text. Screenshots of every page go to artifacts/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { buildServer } from '../../src/server/app.js';
import { buildScenario, HOSTILE, VICTIMS, type Scenario } from '../server-scenario.js';
import { tempDir } from '../tmp.js';
import { clickInsideShape, e2eSkipReason, launch, screenshot } from './browser.js';
import type { VictimWindows } from '../../src/store/victim-windows.js';
import { neutralWindows } from '../../src/census/neutral-windows.js';

const skip = e2eSkipReason();
if (skip) console.log(`# ${skip}`);

let s: Scenario;
let app: FastifyInstance;
let base: string;

before(async () => {
  if (skip) return;
  s = await buildScenario();
  app = await buildServer(s.store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
});

after(async () => {
  if (skip) return;
  await app.close();
  await s.store.close();
});

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(base);
  await page.waitForSelector('form[data-page=signin]');
  await page.fill('input[name=token]', token);
  await page.click('form[data-page=signin] button[type=submit]');
  await page.waitForSelector('[data-page=overview]');
}

const loaded = (page: Page, sel: string) => page.waitForSelector(`${sel}[data-loaded=true]`);
const noXss = async (page: Page) => assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);

test('analyst: sign in, overview, map click, drill down to evidence, CSV export, upload', { skip, timeout: 180_000 }, async () => {
  const browser: BrowserContext = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const cspErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && cspErrors.push(m.text()));
    await page.goto(base);
    await page.waitForSelector('form[data-page=signin]');
    await screenshot(page, '01-sign-in');
    await page.fill('input[name=token]', 'bct_000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro');
    await page.click('form[data-page=signin] button[type=submit]');
    await page.waitForSelector('form[data-page=signin] .error');
    await signIn(page, s.tokens.analyst);

    const cookies = await browser.cookies(base);
    const session = cookies.find((c) => c.name === 'botcensus_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is not readable by scripts');

    await page.selectOption('select[name=range]', 'all');
    await page.waitForSelector('form.range-picker[data-range=all]');
    await loaded(page, '[data-chart=map]');
    await loaded(page, '[data-chart=trend]');
    await loaded(page, '[data-table=countries]');
    assert.equal(await page.textContent('[data-headline=cumulative] .value'), '7');
    assert.deepEqual(await page.$$eval('[data-table=countries] tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent)), ['US', 'VN', 'DE']);
    assert.equal(await page.$$eval('[data-chart=trend] circle', (c) => c.length), 5);
    await screenshot(page, '02-overview');

    // A custom range: only 13 June (198.51.101.9 and 192.0.3.130 were seen that day).
    await page.selectOption('select[name=range]', 'custom');
    await page.fill('input[name=from]', '2024-06-13');
    await page.fill('input[name=to]', '2024-06-13');
    await page.click('form.range-picker button[type=submit]');
    await page.waitForSelector('form.range-picker[data-range=custom]');
    assert.equal(await page.textContent('[data-headline=range] .value'), '2');

    // An inverted custom range is not applied: the page and its picker stay, the problem beside it.
    await page.fill('input[name=from]', '2024-06-14');
    await page.fill('input[name=to]', '2024-06-13');
    await page.click('form.range-picker button[type=submit]');
    await page.waitForSelector('form.range-picker .range-problem:not([hidden])');
    assert.match((await page.textContent('form.range-picker .range-problem'))!, /2024-06-14.*after.*2024-06-13/);
    assert.equal(await page.textContent('[data-headline=range] .value'), '2', 'the page shown before stays');
    // The same range from a link or a typed address: the head and picker stay, with the problem.
    await page.goto(base + '#/?range=custom&from=2024-06-14&to=2024-06-13');
    await page.waitForSelector('[data-page=overview][data-range-problem=true] form.range-picker .range-problem:not([hidden])');
    assert.equal(await page.locator('main .error').count(), 0, 'no error replaces the page');
    assert.equal(await page.inputValue('input[name=from]'), '2024-06-14');
    await screenshot(page, '02b-inverted-range');
    await page.fill('input[name=from]', '2024-06-13');
    await page.click('form.range-picker button[type=submit]');
    await page.waitForSelector('[data-headline=range]');
    assert.equal(await page.textContent('[data-headline=range] .value'), '2');
    await page.selectOption('select[name=range]', 'all');
    await page.waitForSelector('form.range-picker[data-range=all]');
    await loaded(page, '[data-chart=map]');

    await page.locator('[data-chart=map] path[data-cc=VN]').scrollIntoViewIfNeeded();
    await clickInsideShape(page, '[data-chart=map] path[data-cc=VN]');
    await page.waitForSelector('[data-page=country][data-country=VN]');
    await loaded(page, '[data-table=asns]');
    await loaded(page, '[data-table=orgs]');
    await loaded(page, '[data-table=victims]');
    assert.match((await page.textContent('h1'))!, /Vietnam \(VN\)/);
    await screenshot(page, '03-country-vn');

    await page.click('[data-table=asns] a:text("AS64502")');
    await page.waitForSelector('[data-page=victims]');
    await loaded(page, '[data-table=victims]');
    const ips = await page.$$eval('[data-table=victims] tbody tr td:first-child', (tds) => tds.map((t) => t.textContent).sort());
    assert.deepEqual(ips, [...VICTIMS['Mobile C']].sort());
    await screenshot(page, '04-victims-as64502');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=victims]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(download.suggestedFilename(), /^botcensus-victims-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.match(csv, /^ip,country,asn,as_org,grade/);
    assert.deepEqual(csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]).sort(), [...VICTIMS['Mobile C']].sort());

    await page.click('[data-table=victims] a:text("198.51.101.9")');
    await page.waitForSelector('[data-page=victim][data-ip="198.51.101.9"]');
    const evidence = await page.textContent('[data-table=evidence]');
    assert.match(evidence!, /c2\.example/);
    assert.match(evidence!, /sensor-1\/conn\.log/);
    assert.ok(evidence!.includes(HOSTILE.uri) || evidence!.includes('c2.example'), 'the matched detail is shown');
    // The telemetry count and near misses arrive in a second answer and fill their places.
    await page.waitForFunction(() => document.querySelector('[data-fill=telemetry-rows]')?.textContent !== '…');
    assert.match((await page.textContent('[data-fill=telemetry-rows]'))!, /^[1-9]\d*$/);
    await page.waitForSelector('[data-fill=near-misses] :is(table, p.empty)');
    assert.doesNotMatch((await page.textContent('[data-fill=near-misses]'))!, /Reading the telemetry|Could not/);
    await noXss(page);
    await screenshot(page, '05-victim-evidence');

    await page.goto(base + '#/indicators');
    await loaded(page, '[data-table=indicators]');
    assert.ok((await page.textContent('[data-table=indicators]'))!.includes(HOSTILE.description), 'description shown as text');
    await page.fill('input[name=q]', 'c2.exa');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('[data-table=indicators][data-loaded=true] tbody tr').length === 1);
    await noXss(page);
    await screenshot(page, '06-indicators');

    await page.goto(base + '#/imports');
    await loaded(page, '[data-table=imports]');
    assert.ok((await page.textContent('[data-table=imports]'))!.includes(HOSTILE.file), 'file name shown as text');
    assert.equal(await page.$$eval('main img, main script, main svg *[onload]', (e) => e.length), 0);
    // What the store keeps of raw telemetry, from its own answer (GET /api/operations).
    await page.waitForSelector('[data-store-size]');
    assert.match((await page.textContent('[data-store-size]'))!, /Raw telemetry kept: flows \d+ rows from 2024-06-\d\d/);
    const file = join(tempDir(), 'extra-iocs.txt');
    writeFileSync(file, '# more C2\n203.0.113.77\n203.0.113.78\nnot an indicator at all\n');
    await page.selectOption('form[data-form=upload] select[name=kind]', 'intel');
    await page.fill('form[data-form=upload] input[name=source]', 'partner');
    await page.setInputFiles('form[data-form=upload] input[name=file]', file);
    await page.click('form[data-form=upload] button[type=submit]');
    await page.waitForSelector('[data-upload-status] .ok');
    assert.match((await page.textContent('[data-upload-status]'))!, /extra-iocs\.txt: 2 records/);
    // The list of imports shows the new file without reloading the page.
    await page.waitForFunction(() => document.querySelector('[data-table=imports][data-loaded=true]')?.textContent?.includes('extra-iocs.txt'));
    await noXss(page);
    await screenshot(page, '07-imports');

    await page.click('[data-table=imports] a:text("1")');
    await page.waitForSelector('[data-table=rejected]');
    assert.match((await page.textContent('[data-table=rejected]'))!, /<bad> time/);
    await screenshot(page, '08-import-rejected-lines');
    assert.deepEqual(cspErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  } finally {
    await browser.close();
  }
});

test('map click keeps the range the overview shows (the default, active)', { skip, timeout: 120_000 }, async () => {
  const browser = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await signIn(page, s.tokens.analyst);
    await loaded(page, '[data-table=countries]');
    // What the country table's link leads to: the active range's count for the US.
    await page.click('[data-table=countries] a:text("United States")');
    await page.waitForSelector('[data-page=country][data-country=US]');
    await loaded(page, '[data-table=victims]');
    const viaTable = await page.textContent('[data-table=victims] .pager .range');
    const tableUrl = page.url();
    await page.goBack();
    await loaded(page, '[data-chart=map]');
    await page.locator('[data-chart=map] path[data-cc=US]').scrollIntoViewIfNeeded();
    await clickInsideShape(page, '[data-chart=map] path[data-cc=US]');
    await page.waitForSelector('[data-page=country][data-country=US]');
    await loaded(page, '[data-table=victims]');
    assert.doesNotMatch(page.url(), /undefined/);
    assert.equal(await page.inputValue('select[name=range]'), 'active');
    assert.equal(await page.textContent('[data-table=victims] .pager .range'), viaTable);
    assert.equal(viaTable, '1–1 of 1', 'one US victim in the last 24 hours (four of all time)');
    assert.equal(new URL(page.url()).hash, new URL(tableUrl).hash);
    await screenshot(page, '03b-country-us-active');
  } finally {
    await browser.close();
  }
});

test('after the server starts: sign-in, then "preparing the data" with progress until the warm-up is done', { skip, timeout: 120_000 }, async () => {
  // The real store, its folding held until the test lets it go: the warm-up waits there.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const held = new Proxy(s.store, {
    get(target, key, receiver) {
      if (key === 'windows') {
        const windows = neutralWindows(target.driver);
        const heldWindows: VictimWindows = { read: (w, fn) => windows.read(w, fn), prepare: async () => (await released, windows.prepare()) };
        return heldWindows;
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const warming = await buildServer(held, { warm: true, readStore: held });
  await warming.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(warming.server.address() as AddressInfo).port}/`;
  const browser = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(origin);
    await page.waitForSelector('form[data-page=signin]');
    await page.fill('input[name=token]', s.tokens.analyst);
    await page.click('form[data-page=signin] button[type=submit]');
    await page.waitForSelector('[data-page=preparing]');
    assert.match((await page.textContent('[data-page=preparing] h1'))!, /Preparing the data/);
    assert.match((await page.textContent('[data-page=preparing] .progress-text'))!, /^Step 1 of \d+: folding the sightings$/);
    assert.equal(await page.getAttribute('[data-page=preparing] progress', 'value'), '0');
    await screenshot(page, '00-preparing-the-data');
    release();
    await page.waitForSelector('[data-page=overview]', { timeout: 60_000 });
    await loaded(page, '[data-table=countries]');
    assert.equal(await page.locator('[data-page=preparing]').count(), 0);
  } finally {
    release();
    await browser.close();
    await warming.close();
  }
});

test('indicators: a range picker and links to their victims; networks: a header, organisations link to victims', { skip, timeout: 120_000 }, async () => {
  const browser = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await signIn(page, s.tokens.analyst);
    await page.goto(base + '#/indicators?range=all');
    await loaded(page, '[data-table=indicators]');
    assert.equal(await page.inputValue('[data-page=indicators] select[name=range]'), 'all');
    const allTime = await page.textContent('[data-table=indicators] tbody tr:has(code:text-is("203.0.113.10")) td:nth-child(9)');
    await page.selectOption('[data-page=indicators] select[name=range]', 'custom');
    await page.fill('input[name=from]', '2024-06-13');
    await page.fill('input[name=to]', '2024-06-13');
    await page.click('form.range-picker button[type=submit]');
    await page.waitForSelector('[data-page=indicators] form.range-picker[data-range=custom]');
    await loaded(page, '[data-table=indicators]');
    const inDay = await page.textContent('[data-table=indicators] tbody tr:has(code:text-is("203.0.113.10")) td:nth-child(9)');
    assert.ok(Number(inDay) > 0 && Number(inDay) < Number(allTime), `${inDay} in the day, ${allTime} of all time`);
    await screenshot(page, '06b-indicators-range');
    await page.click('[data-table=indicators] tbody tr:has(code:text-is("203.0.113.10")) td:nth-child(9) a');
    await page.waitForSelector('[data-page=victims]');
    await loaded(page, '[data-table=victims]');
    assert.match((await page.textContent('h1'))!, /of indicator 203\.0\.113\.10/);
    assert.equal(await page.$$eval('[data-table=victims] tbody tr', (r) => r.length), Number(inDay));
    assert.equal(await page.inputValue('select[name=range]'), 'custom');

    await page.goto(base + '#/country/VN?range=all');
    await loaded(page, '[data-table=asns]');
    await page.click('[data-table=asns] a:text("AS64502")');
    await page.waitForSelector('[data-page=victims] [data-network=asn]');
    assert.match((await page.textContent('[data-network-name]'))!, /^AS64502 · \S/);
    assert.equal(await page.textContent('[data-network-count]'), String(VICTIMS['Mobile C'].length));
    assert.equal(await page.textContent('[data-network-share]'), '100.0%');
    await screenshot(page, '04b-asn-header');

    await page.goto(base + '#/country/US?range=all');
    await loaded(page, '[data-table=orgs]');
    const org = (await page.textContent('[data-table=orgs] tbody tr:first-child td:first-child'))!;
    const orgCount = (await page.textContent('[data-table=orgs] tbody tr:first-child td:nth-child(2)'))!;
    await page.click('[data-table=orgs] tbody tr:first-child td:first-child a');
    await page.waitForSelector('[data-page=victims] [data-network=org]');
    await loaded(page, '[data-table=victims]');
    assert.equal(await page.textContent('[data-network-count]'), orgCount);
    assert.equal(String(await page.$$eval('[data-table=victims] tbody tr', (r) => r.length)), orgCount);
    assert.match((await page.textContent('h1'))!, new RegExp(`of ${org.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  } finally {
    await browser.close();
  }
});

test('owner: sees only its own victims, nothing of other networks', { skip, timeout: 120_000 }, async () => {
  const browser = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await signIn(page, s.tokens.mobileC);
    await page.selectOption('select[name=range]', 'all');
    await page.waitForSelector('form.range-picker[data-range=all]');
    await loaded(page, '[data-table=victims]');
    await loaded(page, '[data-chart=map]');
    assert.equal(await page.textContent('[data-headline=cumulative] .value'), '2');
    assert.deepEqual(await page.$$eval('[data-table=countries] tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent)), ['VN']);
    const ips = await page.$$eval('[data-table=victims] tbody tr td:first-child', (tds) => tds.map((t) => t.textContent).sort());
    assert.deepEqual(ips, [...VICTIMS['Mobile C']].sort());
    assert.equal(await page.$$eval('[data-chart=map] [data-count]', (e) => e.map((x) => x.getAttribute('data-cc')).join()), 'VN');
    // Its victims are all in one country: the map shows that country, large.
    assert.equal(await page.getAttribute('[data-chart=map] svg', 'data-focus'), 'VN');
    const share = await page.$eval('[data-chart=map] path[data-cc=VN]', (p) => p.getBoundingClientRect().height / (p as SVGPathElement).ownerSVGElement!.getBoundingClientRect().height);
    assert.ok(share > 0.5, `Vietnam fills ${(share * 100).toFixed(0)}% of the map's height`);
    assert.equal(await page.locator('nav a:text("Indicators")').count(), 0);
    await screenshot(page, '09-owner-overview');

    await page.goto(base + '#/victim/192.0.3.1');
    await page.waitForSelector('main .error');
    assert.match((await page.textContent('main .error'))!, /not found/);
    await screenshot(page, '10-owner-other-victim-refused');
    await page.goto(base + '#/imports');
    await page.waitForSelector('main .error');
  } finally {
    await browser.close();
  }
});

test('owner names are text, not markup', { skip, timeout: 60_000 }, async () => {
  const browser = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await signIn(page, s.tokens.evil);
    assert.equal(await page.textContent('nav .who'), `${HOSTILE.owner} (owner)`);
    assert.equal(await page.$$eval('nav i, h1 i', (e) => e.length), 0);
    assert.equal(await page.textContent('h1'), `${HOSTILE.owner}: your networks`);
    await noXss(page);
    await screenshot(page, '11-owner-markup-in-name');
  } finally {
    await browser.close();
  }
});
