// Banner normalisers: turn what scanners record into the exact strings Recog's databases are written
// against (its examples are the contract), so every scan reader produces the same banner for the
// same service.

/** FTP/SMTP greeting without reply codes: "220-a\r\n220 b\r\n" → "a\r\nb" (Recog keeps CRLF between lines). */
export function greetingText(raw: string): string {
  const lines = raw.replace(/(?:\r?\n)+$/, '').split(/\r?\n/);
  return lines.map((l) => l.replace(/^\d{3}(?:[ -]|$)/, '')).join('\r\n');
}

/** Drops banners that normalised to nothing ("+OK" greets with no text), so they are not matched. */
export function pruneEmpty(banners: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(banners)) if (v === undefined || v.trim() === '') delete banners[k];
}

/** POP3 greeting without "+OK ". */
export function pop3Greeting(raw: string): string {
  return raw.replace(/(?:\r?\n)+$/, '').replace(/^\+OK ?/, '');
}

/** IMAP greeting without the "* OK " untagged response prefix. */
export function imapGreeting(raw: string): string {
  return raw.replace(/(?:\r?\n)+$/, '').replace(/^\* OK ?/, '');
}

/** The SSH software/comment part of an identification string: "SSH-2.0-OpenSSH_7.4 x" → "OpenSSH_7.4 x". */
export function sshSoftware(raw: string): string {
  const line = raw.replace(/[\r\n]+$/, '').split(/\r?\n/)[0] ?? '';
  const m = /^SSH-\d+(?:\.\d+)?-(.*)$/.exec(line);
  return m ? m[1]! : line;
}

/** Telnet banner without option negotiation (IAC sequences) a raw capture may still hold. */
export function telnetText(raw: string): string {
  // IAC (0xff) followed by a command byte and, for WILL/WONT/DO/DONT, an option byte.
  return raw.replace(/\xff[\xfb-\xfe][\s\S]|\xff[\xf0-\xfa]/g, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

/** The <title> of an HTML body, entity-decoded with whitespace collapsed; undefined when absent. */
export function htmlTitle(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const m = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(body);
  if (!m) return undefined;
  const t = decodeEntities(m[1]!).replace(/\s+/g, ' ').trim();
  return t === '' ? undefined : t;
}

/** Splits a DN on commas that are not escaped ("O=Cisco\, Inc." stays one RDN). */
function splitRdns(dn: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      cur += c + dn[++i];
    } else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

const LEAF_FIRST = /^(CN|SERIALNUMBER|emailAddress|E|UID)=/i;

/**
 * An X.509 name in Recog's spelling: most specific RDN first, joined by "," without spaces
 * ("CN=x,OU=y,O=z,C=US"). zgrab2 and Censys print names country-first ("C=US, O=z, CN=x"); those
 * are reversed.
 */
export function dnToRecog(dn: string): string {
  const rdns = splitRdns(dn);
  if (rdns.length > 1 && !LEAF_FIRST.test(rdns[0]!) && /^CN=/i.test(rdns[rdns.length - 1]!)) rdns.reverse();
  return rdns.join(',');
}

const DN_ORDER: [string, string[]][] = [
  ['SERIALNUMBER', ['serialNumber', 'serial_number', 'SERIALNUMBER']],
  ['CN', ['CN', 'common_name', 'commonName']],
  ['OU', ['OU', 'organizational_unit', 'organizationalUnitName']],
  ['O', ['O', 'organization', 'organizationName']],
  ['L', ['L', 'locality', 'localityName']],
  ['ST', ['ST', 'province', 'stateOrProvinceName']],
  ['C', ['C', 'country', 'countryName']],
  ['emailAddress', ['emailAddress', 'email_address']],
];

/** A Recog-style DN from a parsed name object (Shodan `ssl.cert.subject`: {CN, O, C…}; values may be lists). */
export function dnFromParts(parts: Record<string, unknown>): string | undefined {
  const out: string[] = [];
  for (const [label, keys] of DN_ORDER) {
    for (const k of keys) {
      const v = parts[k];
      const values = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
      for (const x of values) if (typeof x === 'string' && x !== '') out.push(`${label}=${x.replace(/,/g, '\\,')}`);
      if (values.length) break;
    }
  }
  return out.length ? out.join(',') : undefined;
}

/** Parses the header block of a raw HTTP response ("HTTP/1.1 200 OK\r\nServer: x\r\n…") to lower-case names. */
export function parseRawHeaders(raw: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const end = raw.search(/\r?\n\r?\n/);
  const block = end >= 0 ? raw.slice(0, end) : raw;
  for (const line of block.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  return headers;
}

/** Lower-case hex without colons or spaces ("AB:CD" → "abcd"); undefined unless it is hex of the given length. */
export function hexFingerprint(v: unknown, length = 64): string | undefined {
  if (typeof v !== 'string') return undefined;
  const h = v.replace(/[:\s]/g, '').toLowerCase();
  return h.length === length && /^[0-9a-f]+$/.test(h) ? h : undefined;
}
