// Debian's chromium driven by playwright-core for the end-to-end tests: a fresh profile per
// browser, screenshots kept under artifacts/e2e/, and the reason to skip when chromium is absent.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_WEB_ROOT } from '../../src/server/static-files.js';
import { tempDir } from '../tmp.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = resolve('artifacts/e2e');

/** Why the browser tests cannot run here, or false when they can. */
export function e2eSkipReason(): string | false {
  if (!existsSync(CHROMIUM)) return `e2e skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) return 'e2e skipped: the web app is not built (npm run build:web)';
  return false;
}

export async function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('botcensus-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Clicks a point that lies inside an SVG shape (a country's bounding box centre may be sea). */
export async function clickInsideShape(page: Page, selector: string): Promise<void> {
  const point = await page.$eval(selector, (el) => {
    const shape = el as SVGGeometryElement;
    const box = shape.getBBox();
    const ctm = shape.getScreenCTM()!;
    const svg = shape.ownerSVGElement!;
    for (let i = 1; i < 20; i++)
      for (let j = 1; j < 20; j++) {
        const p = svg.createSVGPoint();
        p.x = box.x + (box.width * i) / 20;
        p.y = box.y + (box.height * j) / 20;
        if (!shape.isPointInFill(p)) continue;
        const s = p.matrixTransform(ctm);
        const hit = document.elementFromPoint(s.x, s.y);
        if (hit === shape) return { x: s.x, y: s.y };
      }
    return null;
  });
  if (!point) throw new Error(`no clickable point inside ${selector}`);
  await page.mouse.click(point.x, point.y);
}
