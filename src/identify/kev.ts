// The CISA Known Exploited Vulnerabilities catalog, from its JSON or CSV feed (same fields, see
// cisa-kev-schema.json), and matching identified devices against it (kev-match.ts).
import { readFileSync } from 'node:fs';
import { BotcensusError } from '../core/errors.js';
import { isObject } from './json-walk.js';

export { kevMatcher, matchKev, type KevMatch, type KevMatchOptions } from './kev-match.js';
import type { KevCatalog, KevEntry, KevRejected } from '../core/model/kev.js';

export type { KevCatalog, KevEntry, KevRejected };

const TEXT_FIELDS = ['cveID', 'vendorProject', 'product', 'vulnerabilityName', 'dateAdded', 'shortDescription', 'requiredAction', 'dueDate', 'knownRansomwareCampaignUse', 'notes'] as const;
const REQUIRED = new Set(['cveID', 'vendorProject', 'product', 'dateAdded']);

/** Checks and builds one entry from field values; throws [field, reason] for a bad one. */
function toEntry(get: (field: string) => unknown): KevEntry {
  const out = {} as Record<string, unknown>;
  for (const f of TEXT_FIELDS) {
    const v = get(f);
    if (v !== undefined && typeof v !== 'string') throw [f, 'not a string'];
    if (REQUIRED.has(f) && (v === undefined || v.trim() === '')) throw [f, 'missing'];
    out[f] = (v ?? '').trim();
  }
  if (!/^CVE-\d{4}-\d{4,19}$/.test(out['cveID'] as string)) throw ['cveID', `not a CVE id: ${JSON.stringify(out['cveID'])}`];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(out['dateAdded'] as string)) throw ['dateAdded', 'not a YYYY-MM-DD date'];
  const cwes = get('cwes');
  if (Array.isArray(cwes)) out['cwes'] = cwes.filter((c): c is string => typeof c === 'string');
  else if (typeof cwes === 'string') out['cwes'] = cwes.split(',').map((c) => c.trim()).filter(Boolean);
  else out['cwes'] = [];
  return out as unknown as KevEntry;
}

function collect(rows: { at: number; get: (f: string) => unknown }[]): Pick<KevCatalog, 'entries' | 'rejected'> {
  const entries: KevEntry[] = [];
  const rejected: KevRejected[] = [];
  for (const r of rows) {
    try {
      entries.push(toEntry(r.get));
    } catch (err) {
      if (!Array.isArray(err)) throw err;
      rejected.push({ at: r.at, field: err[0] as string, reason: err[1] as string });
    }
  }
  return { entries, rejected };
}

export function parseKevJson(text: string, file = 'kev.json'): KevCatalog {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BotcensusError('BAD_INPUT', `not JSON: ${(err as Error).message}`, { file });
  }
  const list = isObject(doc) ? doc['vulnerabilities'] : undefined;
  if (!Array.isArray(list)) throw new BotcensusError('BAD_INPUT', 'no "vulnerabilities" list', { file, field: 'vulnerabilities' });
  const rows = list.map((v, i) => ({ at: i + 1, get: (f: string) => (isObject(v) ? v[f] : undefined) }));
  const d = doc as Record<string, unknown>;
  return {
    catalogVersion: typeof d['catalogVersion'] === 'string' ? d['catalogVersion'] : undefined,
    dateReleased: typeof d['dateReleased'] === 'string' ? d['dateReleased'] : undefined,
    ...collect(rows),
  };
}

/** RFC 4180 records of a whole text: quoted fields may hold commas, doubled quotes and newlines. */
export function csvRecords(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let cur = '';
  let inQ = false;
  let line = 1;
  let start = 1;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\n') line++;
    if (inQ) {
      if (c === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') inQ = false;
      else cur += c;
    } else if (c === '"') inQ = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') continue;
      fields.push(cur);
      if (fields.length > 1 || fields[0] !== '') out.push({ line: start, fields });
      fields = [];
      cur = '';
      start = c === '\n' ? line : line + 1;
    } else cur += c;
  }
  if (cur !== '' || fields.length) out.push({ line: start, fields: [...fields, cur] });
  return out;
}

export function parseKevCsv(text: string, file = 'kev.csv'): KevCatalog {
  const [header, ...records] = csvRecords(text);
  const cols = header?.fields.map((h) => h.trim()) ?? [];
  if (!cols.includes('cveID')) throw new BotcensusError('BAD_INPUT', 'no cveID column in the header', { file, line: 1 });
  const rows = records.map((r) => ({ at: r.line, get: (f: string) => (cols.indexOf(f) >= 0 ? r.fields[cols.indexOf(f)] : undefined) }));
  return collect(rows);
}

/** Reads the catalog from a .json or .csv file (decided by its first character). */
export function loadKev(path: string): KevCatalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  return /^\uFEFF?\s*\{/.test(text) ? parseKevJson(text, path) : parseKevCsv(text, path);
}
