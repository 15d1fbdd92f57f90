// Recognises the header row of a published indicator table and what each column means.
import { NotAnIndicator, parseIndicator } from './normalize.js';
import { splitCells } from './split-cells.js';

export type ColumnRole = 'ioc' | 'type' | 'port' | 'firstSeen' | 'lastSeen' | 'timeframe' | 'category' | 'tags' | 'description' | 'forDetection';

/** The separator of a table whose columns are aligned with runs of spaces (or mixed spaces and tabs). */
export const SPACED = '  ';

export interface TableHeader {
  /** ',', ';', '|', a tab, or SPACED. */
  sep: string;
  /** For SPACED tables: where each column starts in the header line, for rows whose cells do not split cleanly. */
  starts?: number[];
  /** Column names as the file spells them (trimmed). */
  names: string[];
  /** Role of each column, undefined for columns we do not read. */
  roles: (ColumnRole | undefined)[];
  /** Index of the indicator column. */
  ioc: number;
}

// Names are compared lower-cased with spaces, '_', '-' and '.' removed.
const ROLE_NAMES: Record<ColumnRole, string[]> = {
  ioc: ['ioc', 'iocs', 'indicator', 'indicators', 'iocvalue', 'indicatorvalue', 'value', 'observable', 'ip',
    'ips', 'ipaddress', 'ipv4', 'ipv6', 'addr', 'address', 'dstip', 'domain', 'domainname', 'hostname', 'host',
    'fqdn', 'url', 'uri', 'cidr', 'subnet', 'netblock', 'fingerprint', 'sha256', 'sha1', 'hash',
    'ipaddresses', 'ipv4address', 'ipv6address', 'domains', 'hostnames', 'urls', 'c2', 'c2ip', 'c2address', 'c2server',
    'md5', 'hashes', 'filehash', 'sha256hash', 'sha1hash', 'md5hash', 'hashsha256', 'hashsha1', 'hashmd5', 'ja3', 'ja3hash',
    'ja4', 'certificate', 'certificatefingerprint', 'certfingerprint', 'certificatehash', 'certhash', 'certsha256',
    'certsha1', 'certificatesha256', 'certificatesha1', 'sslcertificate', 'sslfingerprint', 'sslcertsha1', 'sslcertsha256',
    'tlsfingerprint', 'tlscertificate', 'x509fingerprint', 'sha256fingerprint', 'sha1fingerprint'],
  type: ['type', 'ioctype', 'indicatortype', 'kind', 'iocstype'],
  port: ['port', 'dstport', 'dport', 'destinationport'],
  firstSeen: ['firstseen', 'firstseenutc', 'first', 'validfrom', 'datefirst', 'dateadded', 'added', 'start', 'from'],
  lastSeen: ['lastseen', 'lastseenutc', 'last', 'validuntil', 'datelast', 'lastonline', 'end', 'until', 'to'],
  // Prose validity windows: "Dec 5, 2023 - Jan 3, 2024" (see timeframe.ts).
  timeframe: ['timeframe', 'activetimeframe', 'timeframes', 'activedates', 'dates', 'date', 'daterange', 'activedaterange',
    'activeperiod', 'period', 'timeperiod', 'activity', 'activitydates', 'activityperiod', 'observed', 'dateobserved',
    'datesobserved', 'observeddates', 'seen', 'dateseen', 'datesseen', 'activetime', 'active', 'validity',
    'validityperiod', 'timeline', 'datesactive', 'activeduring', 'observedactivity'],
  category: ['category', 'categories', 'tier', 'threat', 'threattype', 'malware', 'malwarefamily', 'family', 'classification'],
  tags: ['tag', 'tags', 'label', 'labels'],
  description: ['description', 'desc', 'comment', 'comments', 'note', 'notes', 'context', 'reference'],
  forDetection: ['fordetection', 'toids', 'ids'],
};

const BY_NAME = new Map<string, ColumnRole>();
for (const [role, names] of Object.entries(ROLE_NAMES)) for (const n of names) BY_NAME.set(n, role as ColumnRole);

export function columnRole(name: string): ColumnRole | undefined {
  // "Active Timeframe (UTC)" names the same column as "Active Timeframe".
  return BY_NAME.get(name.toLowerCase().replace(/\([^)]*\)/g, '').replace(/[\s_.\-:]/g, ''));
}

/** True for a line that is nothing but the name of an indicator column ("domain", "ip"). */
export function isBareColumnName(line: string): boolean {
  return columnRole(line.trim()) === 'ioc';
}

/**
 * A header row: split by the separator giving the most cells, it names an indicator column and
 * none of its cells is itself an indicator.
 */
export function detectHeader(line: string): TableHeader | undefined {
  let best: { sep: string; cells: string[] } | undefined;
  for (const sep of ['\t', ',', ';', '|']) {
    const { cells } = splitCells(line, sep);
    if (cells.length > 1 && (!best || cells.length > best.cells.length)) best = { sep, cells };
  }
  const header = best && headerOf(best.sep, best.cells);
  if (header) return header;
  // "IP Address        Port   Timeframe": columns aligned with runs of spaces.
  const spaced = splitSpaced(line);
  if (spaced.length < 2) return undefined;
  const h = headerOf(SPACED, spaced);
  if (h) h.starts = columnStarts(line);
  return h;
}

/** Cells of a line whose columns are separated by two or more spaces or by tabs. */
export function splitSpaced(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s{2,}|\t/);
}

/** Where each space-separated column of a header line starts. */
function columnStarts(line: string): number[] {
  const out: number[] = [];
  for (const m of line.matchAll(/(?:^|\s{2,}|\t)(?=\S)/g)) out.push(m.index + m[0].length);
  return out;
}

function headerOf(sep: string, cells: string[]): TableHeader | undefined {
  const names = cells.map((c) => c.trim());
  const roles = names.map(columnRole);
  const ioc = roles.indexOf('ioc');
  if (ioc < 0) return undefined;
  for (const n of names) {
    // Column names do not start with a digit; a cell that is an indicator, or a broken one, makes a data row.
    if (/^\d/.test(n)) return undefined;
    try {
      parseIndicator(n);
      return undefined;
    } catch (err) {
      if (!(err instanceof NotAnIndicator)) return undefined;
    }
  }
  return { sep, names, roles, ioc };
}

// Type-column values that only restate what kind of indicator it is; anything else ("TLS Cert
// Domain", "C2") carries meaning and becomes a tag.
const GENERIC_TYPES = new Set(
  ['ip', 'ipv4', 'ipv6', 'ipaddress', 'ipv4address', 'ipv6address', 'addr', 'address', 'ipport', 'ip:port',
    'cidr', 'subnet', 'netblock', 'network', 'range', 'domain', 'domainname', 'hostname', 'host', 'fqdn', 'url',
    'uri', 'link', 'certsha256', 'certsha1', 'sha256', 'sha1', 'hash', 'fingerprint', 'tlsfingerprint',
    'certfingerprint', 'certificatefingerprint', 'x509fingerprint', 'sslfingerprint', 'md5', 'filesha256', 'filesha1',
    'filemd5', 'filehash', 'sha256hash', 'sha1hash', 'md5hash', 'hashsha256', 'hashsha1', 'hashmd5'],
);

export function isGenericType(value: string): boolean {
  return GENERIC_TYPES.has(value.toLowerCase().replace(/[\s_\-.]/g, ''));
}

/** A type-column value that says "URL", so a scheme-less value is still read as one. */
export function saysUrl(value: string): boolean {
  return /^(url|uri|link)$/i.test(value.trim());
}
