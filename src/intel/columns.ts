// Recognises the header row of a published indicator table and what each column means.
import { parseIndicator } from './normalize.js';
import { splitCells } from './split-cells.js';

export type ColumnRole = 'ioc' | 'type' | 'port' | 'firstSeen' | 'lastSeen' | 'category' | 'tags' | 'description' | 'forDetection';

export interface TableHeader {
  sep: string;
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
    'fqdn', 'url', 'uri', 'cidr', 'subnet', 'netblock', 'fingerprint', 'sha256', 'sha1', 'hash'],
  type: ['type', 'ioctype', 'indicatortype', 'kind', 'iocstype'],
  port: ['port', 'dstport', 'dport', 'destinationport'],
  firstSeen: ['firstseen', 'firstseenutc', 'first', 'validfrom', 'datefirst', 'dateadded', 'added', 'start', 'from'],
  lastSeen: ['lastseen', 'lastseenutc', 'last', 'validuntil', 'datelast', 'lastonline', 'end', 'until', 'to'],
  category: ['category', 'categories', 'tier', 'threat', 'threattype', 'malware', 'malwarefamily', 'family', 'classification'],
  tags: ['tag', 'tags', 'label', 'labels'],
  description: ['description', 'desc', 'comment', 'comments', 'note', 'notes', 'context', 'reference'],
  forDetection: ['fordetection', 'toids', 'ids'],
};

const BY_NAME = new Map<string, ColumnRole>();
for (const [role, names] of Object.entries(ROLE_NAMES)) for (const n of names) BY_NAME.set(n, role as ColumnRole);

export function columnRole(name: string): ColumnRole | undefined {
  return BY_NAME.get(name.toLowerCase().replace(/[\s_.\-]/g, ''));
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
  if (!best) return undefined;
  const names = best.cells.map((c) => c.trim());
  const roles = names.map(columnRole);
  const ioc = roles.indexOf('ioc');
  if (ioc < 0) return undefined;
  for (const n of names) {
    try {
      parseIndicator(n);
      return undefined;
    } catch {
      // not an indicator: fine for a header cell
    }
  }
  return { sep: best.sep, names, roles, ioc };
}

// Type-column values that only restate what kind of indicator it is; anything else ("TLS Cert
// Domain", "C2") carries meaning and becomes a tag.
const GENERIC_TYPES = new Set(
  ['ip', 'ipv4', 'ipv6', 'ipaddress', 'ipv4address', 'ipv6address', 'addr', 'address', 'ipport', 'ip:port',
    'cidr', 'subnet', 'netblock', 'network', 'range', 'domain', 'domainname', 'hostname', 'host', 'fqdn', 'url',
    'uri', 'link', 'certsha256', 'certsha1', 'sha256', 'sha1', 'hash', 'fingerprint', 'tlsfingerprint',
    'certfingerprint', 'certificatefingerprint', 'x509fingerprint', 'sslfingerprint'],
);

export function isGenericType(value: string): boolean {
  return GENERIC_TYPES.has(value.toLowerCase().replace(/[\s_\-.]/g, ''));
}

/** A type-column value that says "URL", so a scheme-less value is still read as one. */
export function saysUrl(value: string): boolean {
  return /^(url|uri|link)$/i.test(value.trim());
}
