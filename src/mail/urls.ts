// Un-obfuscation of URLs found in mail: whitespace and control characters dropped, protocol-
// relative URLs completed, percent-encoding and base64 undone where a redirect wrapper carries its
// target in a parameter or a path segment. Pure string work: nothing is ever fetched.
import { getDomain } from 'tldts';

/** Redirect wrappers nested deeper than this are not unwrapped further. */
const MAX_DEPTH = 5;

/** A URL as it stands in a message, cleaned so it parses: undefined when it is no remote URL. */
export function cleanUrl(raw: string): URL | undefined {
  // Mail obfuscation breaks URLs with whitespace, soft line breaks and control characters.
  let s = raw.replace(/[\s\u0000-\u001f\u007f\u200b-\u200d\ufeff]+/g, '');
  if (s.startsWith('//')) s = 'https:' + s;
  if (!/^https?:\/\//i.test(s)) return undefined;
  try {
    const u = new URL(s);
    return u.hostname ? u : undefined;
  } catch {
    return undefined;
  }
}

/** The URL, then each redirect target found in it, innermost last. */
export function unwrap(raw: string): string[] {
  const chain: string[] = [];
  let u = cleanUrl(raw);
  while (u && chain.length <= MAX_DEPTH) {
    chain.push(u.href);
    u = targetIn(u);
  }
  return chain;
}

/** A URL one of the URL's parameters, its fragment or a path segment carries. */
export function targetIn(u: URL): URL | undefined {
  for (const [, v] of u.searchParams) {
    const t = asUrl(v);
    if (t) return t;
  }
  if (u.hash.length > 1) {
    const t = asUrl(u.hash.slice(1).replace(/^[a-z]+=/i, ''));
    if (t) return t;
  }
  // A target in one path segment (percent-encoded), or the rest of the path written out.
  for (const seg of u.pathname.split('/')) {
    const t = /^(https?|%2f%2f)/i.test(seg) || (seg.length >= 16 && /^[A-Za-z0-9+_-]+={0,2}$/.test(seg)) ? asUrl(seg) : undefined;
    if (t) return t;
  }
  const at = u.pathname.search(/\/https?(:|%3a)/i);
  if (at >= 0) return asUrl(safeDecode(u.pathname.slice(at + 1)) + u.search);
  return undefined;
}

/** A parameter value read as a URL: as it is, percent-decoded (up to twice), or base64-decoded. */
export function asUrl(v: string): URL | undefined {
  let s = v;
  for (let i = 0; i < 3; i++) {
    const u = /^(https?:)?\/\//i.test(s) ? cleanUrl(s) : undefined;
    if (u) return u;
    if (!s.includes('%')) break;
    const d = safeDecode(s);
    if (d === s) break;
    s = d;
  }
  const b = base64Text(v);
  return b && /^https?:\/\//i.test(b) ? cleanUrl(b) : undefined;
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Base64 (standard or URL-safe) that decodes to printable text, else undefined. */
export function base64Text(v: string): string | undefined {
  const s = v.includes('%') ? safeDecode(v) : v;
  if (s.length < 8 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return undefined;
  const text = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** The registrable domain (public suffix list), or the host itself for addresses and unknown suffixes. */
export function siteOf(host: string): string {
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

/** The host of a URL string, lower case, or '' when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
