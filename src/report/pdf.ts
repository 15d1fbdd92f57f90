// PDF (and PNG) from the report's HTML with Debian's headless Chromium through playwright-core:
// a fresh profile each time, every network request refused (the report needs none).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserType, Page } from 'playwright-core';
import { BotcensusError } from '../core/errors.js';
import { esc } from './charts/svg-util.js';

/** Where Chromium is: $BOTCENSUS_CHROMIUM, else Debian's package (apt-get install chromium). */
export const chromiumPath = (): string => process.env.BOTCENSUS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface RenderOptions {
  /** Chromium executable (default chromiumPath()). */
  chromium?: string;
  /** Handling marking printed at the top of every PDF page, e.g. "TLP:CLEAR". */
  marking?: string;
  /** Viewport width in CSS pixels for screenshots (default 900). */
  width?: number;
}

export interface RenderResult {
  /** URLs the page tried to fetch (refused): empty for a self-contained report. */
  blocked: string[];
}

/** playwright-core, loaded only when a PDF is asked for: the rest of the CLI runs without it. */
async function loadChromium(): Promise<BrowserType> {
  try {
    return (await import('playwright-core')).chromium;
  } catch (err) {
    throw new BotcensusError('USAGE', `rendering a PDF needs the playwright-core package: npm install playwright-core`, {}, { cause: err });
  }
}

async function withPage(html: string, o: RenderOptions, fn: (page: Page) => Promise<void>): Promise<RenderResult> {
  const exe = o.chromium ?? chromiumPath();
  if (!existsSync(exe))
    throw new BotcensusError('USAGE', `rendering a PDF needs Chromium at ${exe}: apt-get install chromium, or set BOTCENSUS_CHROMIUM`);
  const chromium = await loadChromium();
  const profile = mkdtempSync(join(tmpdir(), 'botcensus-chromium-'));
  const blocked: string[] = [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: exe,
    headless: true,
    args: CHROMIUM_ARGS,
    offline: true,
    viewport: { width: o.width ?? 900, height: 1200 },
    timeout: 60_000,
  });
  try {
    await context.route('**/*', (route) => {
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await fn(page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return { blocked };
}

/** Prints the HTML to an A4 PDF at `outFile`, with page numbers (and the marking) on every page. */
export function renderPdf(html: string, outFile: string, o: RenderOptions = {}): Promise<RenderResult> {
  const small = 'font-size:7pt;color:#555;width:100%;padding:0 13mm;font-family:sans-serif';
  return withPage(html, o, async (page) => {
    await page.emulateMedia({ media: 'print' });
    await page.pdf({
      path: outFile,
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${small};text-align:right">${o.marking ? esc(o.marking) : ''}</div>`,
      footerTemplate: `<div style="${small};text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
    });
  });
}

/** A full-page PNG screenshot of the HTML, for checking how the report looks. */
export function renderPng(html: string, outFile: string, o: RenderOptions = {}): Promise<RenderResult> {
  return withPage(html, o, async (page) => {
    await page.screenshot({ path: outFile, fullPage: true });
  });
}
