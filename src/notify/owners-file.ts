// The owners file (contact database): CSV with a header or a JSON array, checked field by field.
// A file with any bad entry is refused as a whole (it replaces the contact database), and every
// problem is reported with its file, line and field.
import { readFileSync } from 'node:fs';
import { BotcensusError, formatWhere, type Where } from '../core/errors.js';
import { parseCidr } from '../core/ip.js';
import type { Owner } from '../store/store.js';
import { readCsv } from './csv-read.js';

export const OWNER_COLUMNS = ['name', 'asns', 'cidrs', 'emails', 'webhook_url', 'webhook_secret', 'language', 'interval_days', 'format'] as const;
type OwnerColumn = (typeof OWNER_COLUMNS)[number];
export const LANGUAGES = ['en', 'fr'] as const;
export const FORMATS: Owner['format'][] = ['csv-attachment', 'csv-inline', 'json'];
export const DEFAULT_INTERVAL_DAYS = 7;

export interface OwnerFileProblem extends Where {
  message: string;
}

/** Thrown by loadOwnersFile: every problem found, the first one as the message. */
export class OwnersFileError extends BotcensusError {
  constructor(readonly problems: OwnerFileProblem[]) {
    const first = problems[0]!;
    super('BAD_INPUT', `${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`, { file: first.file, line: first.line, field: first.field });
  }
}

export function formatProblem(p: OwnerFileProblem): string {
  return formatWhere(p) + p.message;
}

/** A raw entry: CSV cells are strings, JSON values are whatever the file holds. */
type RawOwner = Partial<Record<OwnerColumn, unknown>>;

export function parseOwners(text: string, file: string): { owners: Owner[]; problems: OwnerFileProblem[] } {
  const trimmed = text.replace(/^\ufeff/, '').trimStart();
  const entries = trimmed.startsWith('[') ? jsonEntries(text, file) : csvEntries(text, file);
  const owners: Owner[] = [];
  const problems = [...entries.problems];
  const names = new Map<string, number>();
  for (const e of entries.list) {
    const bad = (field: OwnerColumn | undefined, message: string) => problems.push({ file, line: e.line, field, message });
    const o = toOwner(e.raw, bad);
    if (!o) continue;
    const earlier = names.get(o.name);
    if (earlier !== undefined) bad('name', `duplicate owner name ${JSON.stringify(o.name)} (first on line ${earlier})`);
    else {
      names.set(o.name, e.line);
      owners.push(o);
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { owners, problems };
}

/** Reads and checks an owners file; throws OwnersFileError listing every problem. */
export function loadOwnersFile(path: string): Owner[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read owners file: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  const { owners, problems } = parseOwners(text, path);
  if (problems.length) throw new OwnersFileError(problems);
  if (!owners.length) throw new OwnersFileError([{ file: path, message: 'no owners in the file' }]);
  return owners;
}

interface Entry {
  line: number;
  raw: RawOwner;
}

function csvEntries(text: string, file: string): { list: Entry[]; problems: OwnerFileProblem[] } {
  const { records, errors } = readCsv(text);
  const problems: OwnerFileProblem[] = errors.map((e) => ({ file, line: e.line, message: e.message }));
  const [header, ...rows] = records;
  if (!header) return { list: [], problems };
  const cols = header.cells.map((h) => h.toLowerCase());
  for (const c of cols) if (!(OWNER_COLUMNS as readonly string[]).includes(c)) problems.push({ file, line: header.line, field: c, message: `unknown column (expected ${OWNER_COLUMNS.join(',')})` });
  if (!cols.includes('name')) problems.push({ file, line: header.line, field: 'name', message: 'the header has no name column' });
  if (problems.length) return { list: [], problems };
  const list: Entry[] = [];
  for (const r of rows) {
    if (r.cells.length !== cols.length) {
      problems.push({ file, line: r.line, message: `${r.cells.length} cells where the header has ${cols.length}` });
      continue;
    }
    const raw: RawOwner = {};
    cols.forEach((c, i) => (raw[c as OwnerColumn] = r.cells[i]));
    list.push({ line: r.line, raw });
  }
  return { list, problems };
}

function jsonEntries(text: string, file: string): { list: Entry[]; problems: OwnerFileProblem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { list: [], problems: [{ file, message: `not valid JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(data)) return { list: [], problems: [{ file, line: 1, message: 'expected an array of owner objects' }] };
  const lines = elementLines(text);
  const list: Entry[] = [];
  const problems: OwnerFileProblem[] = [];
  data.forEach((x, i) => {
    const line = lines[i] ?? 1;
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return void problems.push({ file, line, message: `entry ${i + 1} is not an object` });
    const raw: RawOwner = {};
    for (const [k, v] of Object.entries(x)) {
      if ((OWNER_COLUMNS as readonly string[]).includes(k)) raw[k as OwnerColumn] = v;
      else problems.push({ file, line, field: k, message: `unknown key (expected ${OWNER_COLUMNS.join(', ')})` });
    }
    list.push({ line, raw });
  });
  return { list, problems };
}

/** The line each top-level array element starts on (JSON.parse keeps no positions). */
function elementLines(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      if (depth === 1) out.push(line);
    } else if (ch === '[' || ch === '{') {
      if (depth === 1) out.push(line);
      depth++;
    } else if (ch === ']' || ch === '}') depth--;
    else if (depth === 1 && /[0-9tfn-]/.test(ch!) && !/[0-9a-z.eE+-]/.test(text[i - 1] ?? '')) out.push(line);
  }
  return out;
}

type Bad = (field: OwnerColumn | undefined, message: string) => void;

function toOwner(raw: RawOwner, bad: Bad): Owner | undefined {
  let ok = true;
  const fail: Bad = (f, m) => {
    ok = false;
    bad(f, m);
  };
  const name = text(raw.name, 'name', fail);
  if (name === '') fail('name', 'an owner needs a name');
  const asns = list(raw.asns, 'asns', fail).flatMap((a) => {
    const m = /^(?:AS)?(\d{1,10})$/i.exec(a);
    if (!m || Number(m[1]) > 4294967295) return fail('asns', `not an AS number: ${JSON.stringify(a)}`), [];
    return [Number(m[1])];
  });
  const cidrs = list(raw.cidrs, 'cidrs', fail).filter((c) => parseCidr(c) !== null || (fail('cidrs', `not a CIDR block: ${JSON.stringify(c)}`), false));
  if (!asns.length && !cidrs.length && ok) fail('asns', 'an owner needs at least one ASN or CIDR block');
  const emails = list(raw.emails, 'emails', fail).filter(
    (e) => /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/.test(e) || (fail('emails', `not an email address: ${JSON.stringify(e)}`), false),
  );
  const webhookUrl = text(raw.webhook_url, 'webhook_url', fail) || undefined;
  if (webhookUrl && !isHttpUrl(webhookUrl)) fail('webhook_url', `not an http(s) URL: ${JSON.stringify(webhookUrl)}`);
  const webhookSecret = text(raw.webhook_secret, 'webhook_secret', fail) || undefined;
  if (webhookUrl && !webhookSecret) fail('webhook_secret', 'a webhook needs a secret to sign its requests');
  if (webhookSecret && !webhookUrl) fail('webhook_secret', 'a secret without a webhook_url');
  const language = (text(raw.language, 'language', fail) || 'en').toLowerCase();
  if (!(LANGUAGES as readonly string[]).includes(language)) fail('language', `unsupported language ${JSON.stringify(language)} (${LANGUAGES.join(', ')})`);
  const intervalText = text(raw.interval_days, 'interval_days', fail);
  const intervalDays = intervalText === '' ? DEFAULT_INTERVAL_DAYS : Number(intervalText);
  if (!Number.isFinite(intervalDays) || intervalDays <= 0) fail('interval_days', `not a positive number of days: ${JSON.stringify(intervalText)}`);
  const format = (text(raw.format, 'format', fail) || 'csv-attachment').toLowerCase() as Owner['format'];
  if (!FORMATS.includes(format)) fail('format', `unknown format ${JSON.stringify(format)} (${FORMATS.join(', ')})`);
  if (!ok) return undefined;
  return { name, asns, cidrs, emails, webhookUrl, webhookSecret, language, intervalDays, format };
}

function text(v: unknown, field: OwnerColumn, bad: Bad): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  bad(field, `expected text, got ${Array.isArray(v) ? 'a list' : typeof v}`);
  return '';
}

/** Lists: space-separated text (CSV; commas and semicolons tolerated) or a JSON array. */
function list(v: unknown, field: OwnerColumn, bad: Bad): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) {
    return v.flatMap((x) => (typeof x === 'string' || typeof x === 'number' ? [String(x).trim()] : (bad(field, `list items must be text, got ${JSON.stringify(x)}`), [])));
  }
  if (typeof v === 'string' || typeof v === 'number') return String(v).split(/[\s,;]+/).filter(Boolean);
  bad(field, `expected a list, got ${typeof v}`);
  return [];
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
