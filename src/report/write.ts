// Writes a gathered report in the format its file name asks for: .html, .pdf (via Chromium) or .md.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import { renderReportHtml } from './html.js';
import { renderReportMarkdown } from './markdown.js';
import { renderPdf, type RenderOptions } from './pdf.js';
import type { ReportData } from './report-data.js';

export type ReportFormat = 'html' | 'pdf' | 'md';

export function reportFormat(file: string): ReportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.pdf') return 'pdf';
  if (ext === '.md' || ext === '.markdown') return 'md';
  throw new BotcensusError('USAGE', `--out must end in .html, .pdf or .md, not ${JSON.stringify(file)}`);
}

export async function writeReport(d: ReportData, file: string, o: RenderOptions = {}): Promise<ReportFormat> {
  const format = reportFormat(file);
  if (format === 'html') writeFileSync(file, renderReportHtml(d));
  else if (format === 'md') writeFileSync(file, renderReportMarkdown(d));
  else {
    const r = await renderPdf(renderReportHtml(d), file, { ...o, marking: d.marking });
    if (r.blocked.length) throw new BotcensusError('STORE', `the report tried to fetch ${r.blocked[0]}: it must be self-contained`);
  }
  return format;
}
