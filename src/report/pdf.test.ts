import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { renderReportHtml } from './html.js';
import { chromiumPath, renderPdf, renderPng } from './pdf.js';
import { gatherReportData } from './report-data.js';
import { reportStore } from '../../test/report-fixture.js';
import { writeReport } from './write.js';

const skip = existsSync(chromiumPath()) ? false : `no Chromium at ${chromiumPath()} (apt-get install chromium; CI installs it)`;
const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('PDF: rendered by headless Chromium, A4 pages, headline numbers in the text, nothing fetched', { skip }, async () => {
  const store = await reportStore();
  const data = await gatherReportData(store, { marking: 'TLP:CLEAR' });
  await store.close();
  const out = join(tempDir(), 'report.pdf');
  assert.equal(await writeReport(data, out), 'pdf');
  const pdf = readFileSync(out);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
  assert.ok(pages.length >= 1, `${pages.length} pages`);
  if (!hasPdftotext) return; // poppler-utils gives the text check
  const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
  assert.match(text, /Key figures/);
  assert.match(text, /ACTIVE\s+WINDOW\s+CUMULATIVE\s+11\s+16\s+17/);
  assert.match(text, /Victims by country/);
  assert.match(text, /United States\s+US\s+3\s+27\.3%/);
  assert.match(text, /TLP:CLEAR/);
  assert.match(text, /\b1 ?\/ ?[1-9]/); // page numbers
  // Also the PNG the brief asks to look at, kept under artifacts/ (gitignored).
  mkdirSync('artifacts', { recursive: true });
  const png = await renderPng(renderReportHtml(data), join('artifacts', 'report.png'));
  assert.deepEqual(png.blocked, []);
  assert.equal(readFileSync(join('artifacts', 'report.png')).subarray(1, 4).toString(), 'PNG');
});

test('the renderer refuses network requests (a report must not depend on any)', { skip }, async () => {
  const html = `<!DOCTYPE html><html><body><p>x</p><img src="http://192.0.3.1/pixel.png"><link rel="stylesheet" href="https://example.com/a.css"></body></html>`;
  const r = await renderPdf(html, join(tempDir(), 'x.pdf'));
  assert.deepEqual(r.blocked.sort(), ['http://192.0.3.1/pixel.png', 'https://example.com/a.css']);
});

test('a missing Chromium is a clear usage error', async () => {
  await assert.rejects(renderPdf('<p>x</p>', join(tempDir(), 'x.pdf'), { chromium: '/nonexistent/chromium' }), /needs Chromium at \/nonexistent\/chromium: apt-get install chromium/);
});
