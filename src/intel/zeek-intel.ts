// Zeek Intel framework files (#fields indicator indicator_type meta.*): import, and export that re-imports unchanged.
import { BotcensusError, FieldError } from '../core/errors.js';
import { parseCidr, formatCidr } from '../core/ip.js';
import { parseTime } from '../core/time.js';
import type { IndicatorRecord, IntelParseResult, SkippedSection } from '../core/model/indicator.js';
import { mergeDuplicates } from '../core/model/indicator-merge.js';
import { certHash, makeIndicator, NotAnIndicator, parseDomain, parseIndicator, type IndicatorCore } from './normalize.js';
import { readLineIntelText, type IntelLineParser, type IntelLineRecord, type LineWarning } from './line-intel.js';
import { SectionBuilder } from './sections.js';
import { joinTags, splitTags } from './split-cells.js';

export interface ZeekIntelResult extends IntelParseResult {
  duplicates: number;
}

const UNSET = new Set(['-', '(empty)', '']);

const TYPES: Record<string, (v: string, f: string) => IndicatorCore> = {
  'Intel::ADDR': (v, f) => want(v, 'ip', f),
  'Intel::SUBNET': (v, f) => want(v, 'cidr', f),
  'Intel::DOMAIN': (v, f) => {
    const d = parseDomain(v, f);
    return { type: 'domain', value: d, domain: d };
  },
  // Zeek writes URLs without the scheme ("host/path"); they are plain HTTP.
  'Intel::URL': (v, f) => want(/^[a-z]+:\/\//i.test(v) ? v : 'http://' + v, 'url', f),
  'Intel::CERT_HASH': (v, f) => {
    const core = certHash(v, f);
    if (!core) throw new FieldError(f, `not a certificate hash: ${JSON.stringify(v)}`);
    return core;
  },
  'Intel::FILE_HASH': (v, f) => {
    const core = parseIndicator(v, f);
    if (!core.type.startsWith('file-')) throw new FieldError(f, `not a file hash: ${JSON.stringify(v)}`);
    return core;
  },
};

/**
 * One line at a time through the reader base (line-intel.ts); throws BotcensusError('BAD_INPUT'),
 * failing the whole file, when it has no usable #fields header, and FieldError for a bad row.
 */
export class ZeekIntelParser implements IntelLineParser {
  private sep = '\t';
  private fields: string[] | undefined;
  private readonly sections = new SectionBuilder();

  parse(line: string, lineNo: number): IntelLineRecord | undefined {
    if (line.startsWith('#separator')) this.sep = unescape(line.slice('#separator'.length).trim()) || '\t';
    else if (line.startsWith('#fields')) this.readHeader(line, lineNo);
    else if (line.startsWith('#')) return undefined;
    else if (!this.fields) throw new BotcensusError('BAD_INPUT', 'not a Zeek intel file: data before the #fields line', { line: lineNo, field: '#fields' });
    else return this.readRow(line, lineNo);
    return undefined;
  }

  finish(): SkippedSection[] {
    return this.sections.finish();
  }

  private readHeader(line: string, lineNo: number): void {
    this.fields = line.split(this.sep).slice(1).map((f) => f.trim());
    for (const need of ['indicator', 'indicator_type'])
      if (!this.fields.includes(need)) throw new BotcensusError('BAD_INPUT', `Zeek intel #fields has no '${need}' column`, { line: lineNo, field: need });
  }

  private readRow(line: string, lineNo: number): IntelLineRecord | undefined {
    const cells = line.split(this.sep);
    const get = (name: string) => {
      const i = this.fields!.indexOf(name);
      const v = i < 0 ? undefined : cells[i];
      return v === undefined || UNSET.has(v) ? undefined : unescape(v);
    };
    const type = get('indicator_type') ?? '';
    const read = TYPES[type];
    if (!read) {
      this.sections.skip(lineNo, `unsupported Zeek intel type ${type || '(none)'}`, line);
      return undefined;
    }
    this.sections.close();
    if (cells.length < this.fields!.length) throw new FieldError(this.fields![cells.length], `row has ${cells.length} of ${this.fields!.length} columns`);
    const core = read(get('indicator') ?? '', 'indicator');
    const source = get('meta.source');
    if (get('meta.whitelist') === 'T') return whitelist(core, source);
    const desc = get('meta.desc');
    const url = get('meta.url');
    const hasOwnTags = this.fields!.includes('botcensus.tags');
    return makeIndicator(core, lineNo, {
      tags: hasOwnTags ? splitTags(get('botcensus.tags') ?? '') : source ? [source] : [],
      category: get('botcensus.category'),
      description: desc && url ? `${desc} <${url}>` : desc ?? url,
      firstSeen: time(get('botcensus.first_seen'), 'botcensus.first_seen'),
      lastSeen: time(get('botcensus.last_seen'), 'botcensus.last_seen'),
      forDetection: get('botcensus.for_detection') !== 'F',
    });
  }
}

/** meta.whitelist=T marks a benign item: it suppresses matches instead of raising them. */
function whitelist(core: IndicatorCore, source: string | undefined): LineWarning {
  const list = `Zeek intel whitelist${source ? ` (${source})` : ''}`;
  if (core.type === 'domain') return { list, kind: 'domain', domain: core.value, value: core.value };
  if (core.lo !== undefined && core.hi !== undefined && (core.type === 'ip' || core.type === 'cidr'))
    return { list, kind: 'cidr', lo: core.lo, hi: core.hi, value: formatCidr(parseCidr(core.value)!) };
  throw new FieldError('meta.whitelist', `a ${core.type} cannot be whitelisted`);
}

/** Parses a whole Zeek intel file held in memory, as a file is read. */
export function parseZeekIntel(text: string): ZeekIntelResult {
  const read = readLineIntelText(text, new ZeekIntelParser());
  const merged = mergeDuplicates(read.indicators);
  return { indicators: merged.indicators, skipped: read.skipped, rejected: read.summary.examples, warnings: read.warnings, duplicates: merged.duplicates };
}
const COLUMNS = ['indicator', 'indicator_type', 'meta.source', 'meta.desc', 'botcensus.tags', 'botcensus.category',
  'botcensus.first_seen', 'botcensus.last_seen', 'botcensus.for_detection'];
const ZEEK_TYPE: Partial<Record<IndicatorRecord['type'], string>> = {
  ip: 'Intel::ADDR', cidr: 'Intel::SUBNET', domain: 'Intel::DOMAIN', url: 'Intel::URL', 'cert-sha256': 'Intel::CERT_HASH', 'cert-sha1': 'Intel::CERT_HASH',
  'file-sha256': 'Intel::FILE_HASH', 'file-sha1': 'Intel::FILE_HASH', 'file-md5': 'Intel::FILE_HASH',
};

/**
 * A Zeek intel file. Zeek ignores the botcensus.* columns, which carry what its MetaData has no
 * field for. Indicators Zeek has no type for (ip-port) are listed in comments, not dropped silently.
 */
export function toZeekIntel(indicators: readonly IndicatorRecord[], source: string): string {
  const rows = ['#fields\t' + COLUMNS.join('\t')];
  for (const rec of indicators) {
    const type = ZEEK_TYPE[rec.type];
    if (!type) {
      rows.push(`# not expressible in Zeek intel (no ${rec.type} type): ${escape(rec.value)}`);
      continue;
    }
    const value = rec.type === 'url' ? rec.value.replace(/^http:\/\//, '') : rec.value;
    const cells = [value, type, source, rec.description, rec.tags.length ? joinTags(rec.tags) : undefined, rec.category,
      iso(rec.firstSeen), iso(rec.lastSeen), rec.forDetection ? undefined : 'F'];
    rows.push(cells.map((c) => (c === undefined || c === '' ? '-' : escape(c))).join('\t'));
  }
  return rows.join('\n') + '\n';
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function time(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTime(v);
  if (t === null) throw new FieldError(field, `not a time: ${JSON.stringify(v)}`);
  return t;
}

/** Zeek's ASCII escaping: \xHH for the separator, line breaks, backslash and a literal "-". */
function escape(s: string): string {
  const out = s.replace(/[\\\t\r\n]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  return out === '-' || out === '(empty)' ? '\\x' + out.charCodeAt(0).toString(16) + out.slice(1) : out;
}

function unescape(s: string): string {
  return s.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The value read as the one type its indicator_type promises; anything else is a bad row. */
function want(v: string, type: IndicatorCore['type'], f: string): IndicatorCore {
  let core: IndicatorCore | undefined;
  try {
    core = parseIndicator(v, f);
  } catch (err) {
    if (!(err instanceof NotAnIndicator)) throw err;
  }
  if (core?.type !== type) throw new FieldError(f, `not a${type === 'ip' ? 'n address' : ` ${type}`}: ${JSON.stringify(v)}`);
  return core;
}
