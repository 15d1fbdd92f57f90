// The mail page in Debian's chromium: the campaigns list with the tracking campaign first, then
// its evidence, recipients and messages; a hostile subject is shown as text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { scanMail } from '../../src/mail/scan.js';
import { writeTestMailboxes } from '../mailboxes.js';
import { buildServer } from '../../src/server/app.js';
import { buildScenario, type Scenario } from '../server-scenario.js';
import { tempDir } from '../tmp.js';
import { e2eSkipReason, launch, screenshot } from './browser.js';

const skip = e2eSkipReason();
const HOSTILE_SUBJECT = '<img src=x onerror="window.__xss=1">Briefing';
let s: Scenario;
let app: FastifyInstance;
let base: string;

before(async () => {
  if (skip) return;
  s = await buildScenario();
  await scanMail(s.store, [writeTestMailboxes(join(tempDir(), 'mail'), { ordinary: 150, recipients: 6, placement: 'path', subject: HOSTILE_SUBJECT }).dir]);
  app = await buildServer(s.store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
});

after(async () => {
  if (skip) return;
  await app.close();
  await s.store.close();
});

test('analyst: mail campaigns, tracking first, drill down to the evidence and messages', { skip, timeout: 120_000 }, async () => {
  const browser = await launch();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(base);
    await page.waitForSelector('form[data-page=signin]');
    await page.fill('input[name=token]', s.tokens.analyst);
    await page.click('form[data-page=signin] button[type=submit]');
    await page.waitForSelector('[data-page=overview]');
    await page.click('nav a[href="#/mail"]');
    await page.waitForSelector('[data-table=mail-campaigns]');
    const verdicts = await page.$$eval('[data-table=mail-campaigns] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-verdict')));
    assert.equal(verdicts[0], 'tracking');
    assert.equal(verdicts.filter((v) => v === 'tracking').length, 1);
    await screenshot(page, 'mail-01-campaigns');
    await page.selectOption('select[name=verdict]', 'tracking');
    await page.waitForFunction(() => document.querySelectorAll('[data-table=mail-campaigns] tbody tr').length === 1);
    await page.click('[data-table=mail-campaigns] tbody tr a');
    await page.waitForSelector('[data-page=mail-campaign]');
    const evidence = await page.$$eval('[data-list=evidence] li', (li) => li.map((x) => x.textContent ?? ''));
    assert.ok(evidence.some((e) => e.startsWith('per-recipient token in path segment 2 of stats.diplomat-weekly-cdn.example: 6 recipients')), evidence.join('\n'));
    assert.equal(await page.$$eval('[data-list=recipients] li', (li) => li.length), 6);
    const subjects = await page.$$eval('[data-table=mail-messages] tbody td:nth-child(4)', (td) => td.map((x) => x.textContent));
    assert.deepEqual(subjects, Array(6).fill(HOSTILE_SUBJECT));
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await screenshot(page, 'mail-02-campaign');
  } finally {
    await browser.close();
  }
});
