// Turns one row of a recognised indicator table into an IndicatorRecord (throws FieldError naming the column).
import { FieldError } from '../core/errors.js';
import { parseTime } from '../core/time.js';
import type { IndicatorRecord } from '../core/model/indicator.js';
import { ipPort, makeIndicator, parseIndicator, type IndicatorCore } from './normalize.js';
import { isGenericType, saysUrl, type TableHeader } from './columns.js';
import { splitTags } from './split-cells.js';

const DAY_MS = 86_400_000;
const BLANK = /^(-|n\/a|na|none|null|\(empty\))?$/i;

/** Returns undefined for a row with no cells filled in. */
export function readRow(header: TableHeader, rawCells: string[], line: number, tz?: string): IndicatorRecord | undefined {
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
  let forDetection = true;
  header.roles.forEach((role, i) => {
    const v = at(i);
    const name = header.names[i]!;
    if (!role || role === 'ioc' || BLANK.test(v)) return;
    if (role === 'type') typeText = v;
    else if (role === 'port') portText = v;
    else if (role === 'firstSeen') firstSeen ??= dateCell(v, name, false, tz);
    else if (role === 'lastSeen') lastSeen ??= dateCell(v, name, true, tz);
    else if (role === 'category') categories.push(v);
    else if (role === 'tags') tags.push(...splitTags(v));
    else if (role === 'description') descriptions.push(v);
    else if (role === 'forDetection') forDetection = !/^(false|0|no|n|f)$/i.test(v);
  });
  const ioc = at(header.ioc);
  if (ioc === '') throw new FieldError(iocName, 'missing indicator');
  let core = parseIndicator(ioc, iocName, saysUrl(typeText) ? 'url' : undefined);
  if (portText) core = withPort(core, portText, header.names[header.roles.indexOf('port')]!);
  if (typeText && !isGenericType(typeText) && !tags.includes(typeText)) tags.push(typeText);
  for (const c of categories.slice(1)) if (!tags.includes(c)) tags.push(c);
  return makeIndicator(core, line, {
    tags,
    category: categories[0],
    description: descriptions.length ? descriptions.join('; ') : undefined,
    firstSeen,
    lastSeen,
    forDetection,
  });
}

/** A port column turns an address into ip-port; for ip-port it must agree. */
function withPort(core: IndicatorCore, portText: string, field: string): IndicatorCore {
  if (core.type === 'ip') return ipPort(core.value, portText, field);
  if (core.type === 'ip-port' && String(core.port) === portText) return core;
  throw new FieldError(field, `port ${portText} does not fit indicator ${core.value}`);
}

/**
 * Dates as ISO/epoch (core/time), also "YYYY/MM/DD". A bare date in a last-seen column means the
 * whole of that day, so the window ends at its last millisecond.
 */
function dateCell(v: string, field: string, endOfDay: boolean, tz?: string): number {
  const s = v.replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3');
  const t = parseTime(s, { tz });
  if (t === null) throw new FieldError(field, `not a date: ${JSON.stringify(v.slice(0, 40))}`);
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(s) ? t + DAY_MS - 1 : t;
}
