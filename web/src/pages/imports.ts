// Imports: what was imported and when, with rejected lines; an upload form (staff); one import's
// rejected lines and skipped sections.
import { api } from '../api.js';
import { errorBox, fmtInt, fmtTime, h, link, section } from '../dom.js';
import type { Route } from '../router.js';
import { dataTable } from '../table.js';
import { operationsSection } from './operations.js';

interface ImportRow {
  id: number;
  kind: string;
  format: string;
  file: string;
  source?: string;
  sensor?: string;
  importedAt: string;
  records: number;
  rejected: number;
  duplicates: number;
  /** Flow records checked but not stored (ingest --prefilter). */
  prefiltered?: number;
  examples: { line: number; field?: string; reason: string; raw: string }[];
  skipped: { fromLine: number; toLine: number; reason: string }[];
  minTs?: string;
  maxTs?: string;
}

/** The upload form; `onImported` runs after the server has taken a file (the list then changed). */
function uploadForm(onImported: () => void): HTMLElement {
  const status = h('div', { class: 'status', 'data-upload-status': '' });
  const form = h(
    'form',
    { class: 'upload', 'data-form': 'upload' },
    h('label', {}, 'File ', h('input', { type: 'file', name: 'file', required: true })),
    h('label', {}, 'Kind ', h('select', { name: 'kind' }, h('option', { value: 'telemetry' }, 'Telemetry'), h('option', { value: 'intel' }, 'Intel (indicators or warninglist)'))),
    h('label', {}, 'Format ', h('input', { type: 'text', name: 'format', value: 'auto', size: 10 })),
    h('label', {}, 'Source ', h('input', { type: 'text', name: 'source', placeholder: 'intel: who published it', size: 14 })),
    h('label', {}, 'Sensor ', h('input', { type: 'text', name: 'sensor', placeholder: 'telemetry: where from', size: 14 })),
    h('button', { type: 'submit' }, 'Import'),
    status,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.replaceChildren(h('p', {}, 'Importing…'));
    const data = new FormData(form);
    // Fields first, file last: the server reads the options before it stores the file.
    const ordered = new FormData();
    for (const [k, v] of data) if (k !== 'file') ordered.append(k, v);
    ordered.append('file', data.get('file')!);
    try {
      const r = await api.postForm<{ status: string; file: string; counts?: { records: number; rejected: number } }>('imports', ordered);
      status.replaceChildren(h('p', { class: 'ok' }, r.status === 'duplicate' ? `${r.file}: already imported` : `${r.file}: ${fmtInt(r.counts?.records)} records, ${fmtInt(r.counts?.rejected)} rejected lines`));
      onImported();
    } catch (err) {
      status.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}

export function importsPage(): HTMLElement {
  const imported = dataTable<ImportRow>({
    name: 'imports',
    path: 'imports',
    query: {},
    sort: 'id',
    columns: [
      { label: '#', sort: 'id', numeric: true, cell: (i) => link(['imports', i.id], {}, String(i.id)) },
      { label: 'Imported', sort: 'imported_at', cell: (i) => fmtTime(i.importedAt) },
      { label: 'Kind', sort: 'kind', cell: (i) => i.kind },
      { label: 'Format', sort: 'format', cell: (i) => i.format },
      { label: 'File', sort: 'file', cell: (i) => i.file },
      { label: 'Records', sort: 'records', numeric: true, cell: (i) => fmtInt(i.records) },
      { label: 'Rejected lines', sort: 'rejected', numeric: true, cell: (i) => (i.rejected ? link(['imports', i.id], {}, fmtInt(i.rejected)) : '0') },
      { label: 'Events from', cell: (i) => fmtTime(i.minTs) },
      { label: 'Events to', cell: (i) => fmtTime(i.maxTs) },
    ],
  });
  return h('div', { 'data-page': 'imports' }, h('h1', {}, 'Imports'), section('Import a file', uploadForm(() => void imported.reload())), section('Imported files', imported), operationsSection());
}

export async function importPage(r: Route): Promise<HTMLElement> {
  const i = await api.get<ImportRow>(`imports/${encodeURIComponent(r.parts[1] ?? '')}`);
  const rows = (xs: string[][]) => xs.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))));
  return h(
    'div',
    { 'data-page': 'import' },
    h('h1', {}, `Import #${i.id}`),
    h('p', { class: 'crumbs' }, link(['imports'], {}, 'Imports'), ` › ${i.file}`),
    h('dl', { class: 'facts' }, ...[['File', i.file], ['Kind', `${i.kind} (${i.format})`], ['Imported', fmtTime(i.importedAt)], ['Records', fmtInt(i.records)], ['Rejected lines', fmtInt(i.rejected)], ['Duplicates', fmtInt(i.duplicates)],
      ...(i.prefiltered === undefined ? [] : [['Not stored (far from every indicator: --prefilter)', fmtInt(i.prefiltered)]])].map(([k, v]) => [h('dt', {}, k!), h('dd', {}, v!)])),
    section(
      'Rejected lines (first examples)',
      i.examples.length
        ? h('table', { 'data-table': 'rejected' }, h('thead', {}, h('tr', {}, ...['Line', 'Field', 'Reason', 'Text'].map((x) => h('th', {}, x)))), h('tbody', {}, ...rows(i.examples.map((e) => [String(e.line), e.field ?? '', e.reason, e.raw]))))
        : h('p', { class: 'empty' }, 'None.'),
    ),
    i.skipped.length ? section('Skipped sections', h('table', {}, h('tbody', {}, ...rows(i.skipped.map((s) => [`${s.fromLine}–${s.toLine}`, s.reason]))))) : null,
  );
}
