// The imports page's upkeep section: the store's size, the oldest and newest raw telemetry kept,
// retention, and the drop folders with their latest files (rejected ones named with the reason).
import { api } from '../api.js';
import { errorBox, fmtInt, fmtTime, h, section } from '../dom.js';

interface Outcome {
  file: string;
  folder: string;
  status: string;
  detail: string;
  at: string;
}

interface Operations {
  store?: { path: string; bytes: number };
  raw: { kind: string; table: string; rows: number; oldest?: string; newest?: string }[];
  retention?: { flowsDays?: number; logsDays?: number; lastRun?: string };
  dropFolders?: { folders: { dir: string; intel: boolean }[]; recent: Outcome[]; rejected: Outcome[] };
}

function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function outcomes(rows: Outcome[], name: string): HTMLElement {
  return h(
    'table',
    { 'data-table': name },
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'File'), h('th', {}, 'Result'), h('th', {}, 'Detail'))),
    h('tbody', {}, ...rows.map((o) => h('tr', {}, h('td', {}, fmtTime(o.at)), h('td', {}, o.file), h('td', {}, o.status), h('td', {}, o.detail)))),
  );
}

export function operationsSection(): HTMLElement {
  const body = h('div', { 'data-operations': '' }, h('p', {}, 'Loading…'));
  void api
    .get<Operations>('operations')
    .then((o) => {
      const kept = o.raw.filter((r) => r.rows > 0);
      const parts: (HTMLElement | string)[] = [
        h(
          'p',
          { 'data-store-size': '' },
          o.store ? `Store ${o.store.path}: ${fmtBytes(o.store.bytes)}. ` : '',
          kept.length
            ? `Raw telemetry kept: ${kept.map((r) => `${r.table} ${fmtInt(r.rows)} rows from ${fmtTime(r.oldest)} to ${fmtTime(r.newest)}`).join('; ')}.`
            : 'No raw telemetry kept.',
          o.retention ? ` Retention: flows ${o.retention.flowsDays ?? '∞'} days, logs ${o.retention.logsDays ?? '∞'} days.` : '',
        ),
      ];
      if (o.dropFolders) {
        parts.push(h('p', {}, `Drop folders: ${o.dropFolders.folders.map((f) => `${f.dir} (${f.intel ? 'intel' : 'telemetry'})`).join(', ')}.`));
        if (o.dropFolders.rejected.length) parts.push(h('h3', {}, 'Rejected files (moved to rejected/)'), outcomes(o.dropFolders.rejected, 'drops-rejected'));
        if (o.dropFolders.recent.length) parts.push(h('h3', {}, 'Latest files'), outcomes(o.dropFolders.recent.slice(0, 20), 'drops-recent'));
      }
      body.replaceChildren(...parts);
    })
    .catch((err: Error) => body.replaceChildren(errorBox(err.message)));
  return section('Store and drop folders', body);
}
