// Turns one row of a recognised indicator table into an IndicatorRecord (throws FieldError naming the column).
import { FieldError } from '../core/errors.js';
import { parseTime } from '../core/time.js';
import type { IndicatorRecord } from '../core/model/indicator.js';
import { ipPort, makeIndicator, parseIndicator, type IndicatorCore } from './normalize.js';
import { isGenericType, saysUrl, type TableHeader } from './columns.js';
import { splitTags } from './split-cells.js';
import { parseTimeframe, proseDate, type Timeframe } from './timeframe.js';
import { asHashKind, hashKindOf, JA4, type HashKind } from './hash-kind.js';

const DAY_MS = 86_400_000;
const BLANK = /^(-|n\/a|na|none|null|\(empty\))?$/i;

/**
 * Returns undefined for a row with no cells filled in. `hashes` is what the file's heading says
 * its hashes are; the row's type cell and the indicator column's name say it first.
 */
export function readRow(header: TableHeader, rawCells: string[], line: number, tz?: string, hashes?: HashKind): IndicatorRecord | undefined {
  const cells = rawCells.map((c) => c.trim());
  if (cells.every((c) => c === '')) return undefined;
  const at = (i: number) => cells[i] ?? '';
  const iocName = header.names[header.ioc]!;
  const tags: string[] = [];
  const categories: string[] = [];
  const descriptions: string[] = [];
  let typeText = '';
  let portText = '';
  let firstSeen: number | undefined;
  let lastSeen: number | undefined;
  let window: Timeframe | undefined;
  let timeframe: string | undefined;
  let forDetection = true;
  header.roles.forEach((role, i) => {
    const v = at(i);
    const name = header.names[i]!;
    if (!role || role === 'ioc' || BLANK.test(v)) return;
    if (role === 'type') typeText = v;
    else if (role === 'port') portText = v;
    else if (role === 'firstSeen') firstSeen ??= dateCell(v, name, false, tz);
    else if (role === 'lastSeen') lastSeen ??= dateCell(v, name, true, tz);
    else if (role === 'timeframe' && timeframe === undefined) {
      const t = timeframes(v);
      if (typeof t === 'string') throw new FieldError(name, `not a timeframe (${t}): ${JSON.stringify(v.slice(0, 60))}`);
      window = t;
      timeframe = v;
    }
    else if (role === 'category') categories.push(v);
    else if (role === 'tags') tags.push(...splitTags(v));
    else if (role === 'description') descriptions.push(v);
    else if (role === 'forDetection') forDetection = !/^(false|0|no|n|f)$/i.test(v);
  });
  const ioc = at(header.ioc);
  if (BLANK.test(ioc)) throw new FieldError(iocName, 'missing indicator');
  const kind = () => hashKindOf(typeText) ?? hashKindOf(iocName) ?? hashes;
  let core: IndicatorCore;
  try {
    core = parseIndicator(ioc, iocName, saysUrl(typeText) ? 'url' : undefined);
  } catch (err) {
    if (JA4.test(ioc) && kind() === 'ja3') throw new FieldError(iocName, 'a JA4 TLS fingerprint: botcensus does not match those');
    throw err;
  }
  if (core.type.startsWith('file-')) core = asHashKind(core, kind(), ioc, iocName);
  if (portText) core = withPort(core, portText, header.names[header.roles.indexOf('port')]!);
  if (typeText && !isGenericType(typeText) && !tags.includes(typeText)) tags.push(typeText);
  for (const c of categories.slice(1)) if (!tags.includes(c)) tags.push(c);
  return makeIndicator(core, line, {
    tags,
    category: categories[0],
    description: descriptions.length ? descriptions.join('; ') : undefined,
    // Explicit first/last-seen columns win over a timeframe; it fills what they leave open.
    firstSeen: firstSeen ?? window?.from,
    lastSeen: lastSeen ?? window?.to,
    timeframe,
    forDetection,
  });
}

/** One timeframe, or several joined by " | " (as merged duplicates are written back): their union. */
function timeframes(v: string): Timeframe | string {
  let out: Timeframe | undefined;
  for (const part of v.split(' | ')) {
    const t = parseTimeframe(part);
    if (typeof t === 'string') return t;
    out = out === undefined ? t : { from: Math.min(out.from, t.from), to: out.to === undefined || t.to === undefined ? undefined : Math.max(out.to, t.to) };
  }
  return out!;
}

/** A port column turns an address into ip-port; for ip-port it must agree. */
function withPort(core: IndicatorCore, portText: string, field: string): IndicatorCore {
  if (core.type === 'ip') return ipPort(core.value, portText, field);
  if (core.type === 'ip-port' && String(core.port) === portText) return core;
  throw new FieldError(field, `port ${portText} does not fit indicator ${core.value}`);
}

/**
 * Dates as ISO/epoch (core/time), also "YYYY/MM/DD" and prose ("Dec 15, 2023"). A bare date in a
 * last-seen column means the whole of that day, so the window ends at its last millisecond.
 */
function dateCell(v: string, field: string, endOfDay: boolean, tz?: string): number {
  const s = v.replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3');
  const t = parseTime(s, { tz });
  const prose = t === null ? proseDate(v) : undefined;
  if (prose) return endOfDay ? (prose.to ?? prose.from) : prose.from;
  if (t === null) throw new FieldError(field, `not a date: ${JSON.stringify(v.slice(0, 40))}`);
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(s) ? t + DAY_MS - 1 : t;
}
