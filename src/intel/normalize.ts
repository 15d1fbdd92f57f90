// Turns one indicator token (possibly defanged) into the canonical type and value of an IndicatorRecord.
import { domainToASCII } from 'node:url';
import { FieldError } from '../core/errors.js';
import { formatCidr, formatIp, parseCidr, parseIp } from '../core/ip.js';
import type { IndicatorRecord, IndicatorType } from '../core/model/indicator.js';

/** The part of an IndicatorRecord that the token alone decides. */
export type IndicatorCore = Pick<IndicatorRecord, 'type' | 'value' | 'lo' | 'hi' | 'port' | 'domain'>;

/**
 * The token is not an indicator at all (a word, a file name, an MD5): the caller reports it as a
 * skipped section rather than a rejected line. Its message is the kind of thing it is.
 */
export class NotAnIndicator extends FieldError {}

// Endings of file names that no TLD uses: "loader.exe" is a file, not a host. Real TLDs that are
// also extensions (.zip, .mov, .sh, .py, .pl, .so, .app) stay domains.
const FILE_EXTENSIONS = new Set(
  ('exe dll sys bat cmd ps1 psm1 vbs vbe js jse wsf hta lnk scr msi jar apk elf bin dat tmp log txt ini ' +
    'cfg conf json xml yml yaml csv tsv doc docx docm xls xlsx xlsm ppt pptx pdf rtf jpg jpeg png gif ' +
    'bmp ico svg rar 7z gz tgz bz2 xz tar iso img vhd dmg php asp aspx jsp cgi htm html shtml lua pyc').split(' '),
);

/** Undoes the usual defanging: hxxp, [.], (.), {.}, [dot], [:], [://]. */
export function refang(text: string): string {
  return text
    .trim()
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\\\./gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/^h(?:xx|XX|\*\*)p(s?)(?=:|$)/i, 'http$1');
}

/** Reads one token as an indicator; `hint` is a type the source declared (a "url" column without scheme). */
export function parseIndicator(token: string, field?: string, hint?: IndicatorType): IndicatorCore {
  const s = refang(token);
  if (s === '') throw new FieldError(field, 'empty indicator');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return parseUrl(s, field);
  if (hint === 'url') return parseUrl('http://' + s, field);
  const bracketPort = /^\[([0-9a-f:.]+)\]:(\d+)$/i.exec(s);
  if (bracketPort) return ipPort(bracketPort[1]!, bracketPort[2]!, field, s);
  if (s.includes('/')) {
    const slash = s.indexOf('/');
    if (parseIp(s.slice(0, slash)) !== null) return cidr(s, field);
    // "evil.example/path" is a URL whose scheme was left out.
    if (/^[^\s/:]+\.[^\s/:]+(:\d+)?\//.test(s)) return parseUrl('http://' + s, field);
    throw new NotAnIndicator(field, 'not an indicator');
  }
  const ip = parseIp(s);
  if (ip !== null) return { type: 'ip', value: formatIp(ip), lo: ip, hi: ip };
  const v4Port = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(s);
  if (v4Port) return ipPort(v4Port[1]!, v4Port[2]!, field, s);
  const hash = parseHash(s, field);
  if (hash) return hash;
  if (/^[\d.]+$/.test(s) && s.includes('.')) throw new FieldError(field, `not a valid IPv4 address: ${quote(s)}`);
  if (/^[0-9a-f:.]+$/i.test(s) && s.split(':').length > 2) throw new FieldError(field, `not a valid IPv6 address: ${quote(s)}`);
  if (/^[^\s:]+:\d+$/.test(s)) throw new FieldError(field, `a host name with a port is not supported: ${quote(s)}`);
  const domain = parseDomain(s, field);
  return { type: 'domain', value: domain, domain };
}

/** A lower-case ASCII domain name, or throws: needs a dot and an alphabetic (or punycode) last label. */
export function parseDomain(text: string, field?: string): string {
  let s = text.trim().toLowerCase();
  if (s.startsWith('*.')) s = s.slice(2); // a wildcard: domain indicators cover subdomains anyway
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (!/^[\x21-\x7e]+$/.test(s)) {
    if (/\s/.test(s)) throw new NotAnIndicator(field, 'not an indicator');
    const ascii = domainToASCII(s);
    if (!ascii) throw new FieldError(field, `not a valid domain name: ${quote(text)}`);
    s = ascii;
  }
  if (!s.includes('.') || !/^[a-z0-9_.-]+$/.test(s)) throw new NotAnIndicator(field, 'not an indicator');
  const labels = s.split('.');
  const tld = labels[labels.length - 1]!;
  if (FILE_EXTENSIONS.has(tld)) throw new NotAnIndicator(field, 'file name');
  if (s.length > 253) throw new FieldError(field, 'domain name longer than 253 characters');
  for (const label of labels) {
    if (label === '') throw new FieldError(field, `empty label in domain name: ${quote(text)}`);
    if (label.length > 63) throw new FieldError(field, `label longer than 63 characters in ${quote(text)}`);
    if (label.startsWith('-') || label.endsWith('-'))
      throw new FieldError(field, `label starts or ends with '-' in ${quote(text)}`);
  }
  if (!/^[a-z]{2,63}$/.test(tld) && !/^xn--[a-z0-9-]{1,59}$/.test(tld))
    throw new NotAnIndicator(field, 'not an indicator');
  return s;
}

/** http(s) URLs only: the host must be an address or a valid domain. */
export function parseUrl(text: string, field?: string): IndicatorCore {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FieldError(field, `not a valid URL: ${quote(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FieldError(field, `unsupported URL scheme ${url.protocol} in ${quote(text)}`);
  const host = url.hostname;
  if (parseIp(host) !== null) return { type: 'url', value: url.href };
  return { type: 'url', value: url.href, domain: parseDomain(host, field) };
}

/**
 * SHA-256, SHA-1 or MD5 hex, colon-separated pairs allowed. Read as the hash of a file: the caller
 * turns it into a certificate fingerprint where its source says so (hash-kind.ts, or a format's
 * certificate type).
 */
function parseHash(s: string, field?: string): IndicatorCore | null {
  const hex = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(s) ? s.replace(/:/g, '') : s;
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length < 32) return null;
  if (hex.length === 64) return { type: 'file-sha256', value: hex.toLowerCase() };
  if (hex.length === 40) return { type: 'file-sha1', value: hex.toLowerCase() };
  if (hex.length === 32) return { type: 'file-md5', value: hex.toLowerCase() };
  throw new FieldError(field, `hex string of ${hex.length} digits (not a SHA-256, SHA-1 or MD5 hash)`);
}

/** A certificate fingerprint read from a field that says it is one (MISP x509-fingerprint-*, STIX x509-certificate). */
export function certHash(token: string, field?: string): IndicatorCore | undefined {
  let core: IndicatorCore;
  try {
    core = parseIndicator(token, field);
  } catch {
    return undefined;
  }
  if (core.type === 'file-sha256') return { ...core, type: 'cert-sha256' };
  if (core.type === 'file-sha1') return { ...core, type: 'cert-sha1' };
  return undefined;
}

function cidr(s: string, field?: string): IndicatorCore {
  const r = parseCidr(s);
  if (!r) throw new FieldError(field, `not a valid CIDR: ${quote(s)}`);
  return { type: 'cidr', value: formatCidr(r), lo: r.lo, hi: r.hi };
}

/** Exported for formats that carry address and port apart (MISP "ip|port", STIX network-traffic). */
export function ipPort(addr: string, portText: string, field?: string, raw = `${addr}:${portText}`): IndicatorCore {
  const ip = parseIp(addr);
  if (ip === null) throw new FieldError(field, `not a valid IP address in ${quote(raw)}`);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText.trim()) || port < 1 || port > 65535)
    throw new FieldError(field, `not a valid port in ${quote(raw)}`);
  const text = formatIp(ip);
  return { type: 'ip-port', value: text.includes(':') ? `[${text}]:${port}` : `${text}:${port}`, lo: ip, hi: ip, port };
}

/** A full record from a core and what the source said about it. */
export function makeIndicator(
  core: IndicatorCore,
  line: number,
  extra: Partial<Omit<IndicatorRecord, keyof IndicatorCore | 'line'>> = {},
): IndicatorRecord {
  const rec: IndicatorRecord = { ...core, tags: extra.tags ?? [], forDetection: extra.forDetection ?? true, line };
  if (extra.category) rec.category = extra.category;
  if (extra.description) rec.description = extra.description;
  if (extra.firstSeen !== undefined) rec.firstSeen = extra.firstSeen;
  if (extra.lastSeen !== undefined) rec.lastSeen = extra.lastSeen;
  if (extra.timeframe) rec.timeframe = extra.timeframe;
  return rec;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}
