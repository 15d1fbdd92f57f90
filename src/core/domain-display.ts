// Internationalised domain names shown in both forms, so that a look-alike is visible: a name with
// punycode labels (xn--) is shown with its Unicode form beside it, and the other way round. The
// store keeps the ASCII form (intel/normalize.ts); this is for people reading output.
import { domainToASCII, domainToUnicode } from 'node:url';

/** The ASCII (punycode) and Unicode forms of a domain name, or undefined when it is plain ASCII without punycode. */
export function domainForms(domain: string): { ascii: string; unicode: string } | undefined {
  const idn = /(^|\.)xn--/i.test(domain) || /[^\x00-\x7f]/.test(domain);
  if (!idn) return undefined;
  const ascii = domainToASCII(domain);
  const unicode = domainToUnicode(ascii || domain);
  // Labels that are not valid punycode decode to nothing: nothing to show beside them.
  if (!ascii || !unicode || ascii === unicode) return undefined;
  return { ascii, unicode };
}

/** "xn--bcher-kva.example (bücher.example)": the name as given, its other form in brackets. */
export function displayDomain(domain: string): string {
  const f = domainForms(domain);
  if (!f) return domain;
  return domain === f.unicode ? `${f.unicode} (${f.ascii})` : `${domain} (${f.unicode})`;
}

/** The other form of the host in a URL ("http://xn--80ak6aa92e.example/x" gets the Unicode host beside it). */
export function displayUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#:@]+@)?([^/?#:]+)(.*)$/i.exec(url);
  if (!m) return url;
  const f = domainForms(m[3]!);
  if (!f) return url;
  const other = m[3] === f.unicode ? f.ascii : f.unicode;
  return `${url} (${other})`;
}

/**
 * An indicator value as shown to people: domains and URL hosts in both forms, everything else as
 * it is. Without a type, a value with "://" is taken for a URL and anything else for a domain
 * (addresses and hashes have no other form, and come back unchanged).
 */
export function displayIndicator(type: string | undefined, value: string): string {
  if (type === 'domain' || (type === undefined && !value.includes('://'))) return displayDomain(value);
  if (type === 'url' || type === undefined) return displayUrl(value);
  return value;
}
