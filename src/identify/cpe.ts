// CPE names: 2.2 URIs (what Recog and Shodan write, "cpe:/h:tp-link:tl-wr841n:v9") to 2.3 formatted
// strings ("cpe:2.3:h:tp-link:tl-wr841n:v9:*:*:*:*:*:*:*") following NISTIR 7695's unbind-URI /
// bind-to-FS rules, and 2.3 names built from a vendor/product/version we identified.

export const CPE23_FIELDS = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const;
export type Cpe23Field = (typeof CPE23_FIELDS)[number];
/** Field values as they appear in the formatted string (escaped), '*' for ANY and '-' for NA. */
export type Cpe23 = Record<Cpe23Field, string>;

/**
 * One decoded value to its formatted-string spelling: alphanumerics, '_', '.', '-' stay as they are,
 * every other character is quoted with '\'. Spaces are not allowed in CPE values and become '_'.
 */
export function escapeFsValue(raw: string): string {
  let out = '';
  for (const c of raw.trim().toLowerCase().replace(/\s+/g, '_')) out += quoteChar(c);
  return out;
}

function quoteChar(c: string): string {
  if (c === ' ') return '_';
  return /[a-z0-9_.\-]/.test(c) || c.charCodeAt(0) > 127 ? c : '\\' + c;
}

/** A 2.2 URI component to FS: percent-decoded, %01/%02 kept as the '?'/'*' wildcards, empty = ANY, '-' = NA. */
function uriComponentToFs(comp: string | undefined): string {
  if (comp === undefined || comp === '') return '*';
  if (comp === '-') return '-';
  let out = '';
  for (let i = 0; i < comp.length; i++) {
    const c = comp[i]!;
    if (c === '%' && /^[0-9a-f]{2}$/i.test(comp.slice(i + 1, i + 3))) {
      const hex = comp.slice(i + 1, i + 3).toLowerCase();
      i += 2;
      if (hex === '01') out += '?';
      else if (hex === '02') out += '*';
      else out += quoteChar(String.fromCharCode(parseInt(hex, 16)).toLowerCase());
    } else out += quoteChar(c.toLowerCase());
  }
  return out;
}

/** Converts a CPE 2.2 URI to a 2.3 formatted string; a 2.3 string is returned lower-cased; else undefined. */
export function cpeToCpe23(cpe: string): string | undefined {
  const s = cpe.trim();
  if (/^cpe:2\.3:/i.test(s)) {
    const parsed = parseCpe23(s);
    if (!parsed) return undefined;
    // CPE values compare case-insensitively; the dictionary spells them lower-case.
    for (const f of CPE23_FIELDS) parsed[f] = parsed[f].toLowerCase();
    return formatCpe23(parsed);
  }
  const m = /^cpe:\/([aho])?(?::(.*))?$/i.exec(s);
  if (!m) return undefined;
  const comps = (m[2] ?? '').split(':');
  if (comps.length > 6) return undefined;
  const [vendor, product, version, update, edition, language] = comps;
  const fields: Cpe23 = {
    part: (m[1] ?? '*').toLowerCase(),
    vendor: uriComponentToFs(vendor),
    product: uriComponentToFs(product),
    version: uriComponentToFs(version),
    update: uriComponentToFs(update),
    edition: uriComponentToFs(edition),
    language: uriComponentToFs(language),
    swEdition: '*',
    targetSw: '*',
    targetHw: '*',
    other: '*',
  };
  // A packed edition "~edition~sw_edition~target_sw~target_hw~other" carries the five 2.3 extras.
  if (edition?.startsWith('~')) {
    const packed = edition.split('~');
    if (packed.length !== 6) return undefined;
    fields.edition = uriComponentToFs(packed[1]);
    fields.swEdition = uriComponentToFs(packed[2]);
    fields.targetSw = uriComponentToFs(packed[3]);
    fields.targetHw = uriComponentToFs(packed[4]);
    fields.other = uriComponentToFs(packed[5]);
  }
  return formatCpe23(fields);
}

export function formatCpe23(c: Cpe23): string {
  return 'cpe:2.3:' + CPE23_FIELDS.map((f) => c[f] || '*').join(':');
}

/** Splits a 2.3 formatted string into its (still escaped) fields; undefined when malformed. */
export function parseCpe23(s: string): Cpe23 | undefined {
  if (!/^cpe:2\.3:/i.test(s)) return undefined;
  const parts: string[] = [];
  let cur = '';
  const body = s.slice(8);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) cur += c + body[++i];
    else if (c === ':') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length !== 11 || !/^[aho*]$/i.test(parts[0]!)) return undefined;
  const out = {} as Cpe23;
  CPE23_FIELDS.forEach((f, i) => (out[f] = i === 0 ? parts[i]!.toLowerCase() : parts[i]!));
  return out;
}

/** The readable value of an escaped FS field ("big\$money" → "big$money"); undefined for ANY/NA. */
export function unescapeFsValue(v: string): string | undefined {
  if (v === '*' || v === '-' || v === '') return undefined;
  return v.replace(/\\(.)/g, '$1');
}

export interface CpeParts {
  part: 'a' | 'h' | 'o';
  vendor: string;
  product: string;
  version?: string;
}

/** Builds a 2.3 name from identified names: "TP-Link", "Archer C7", "5.0" → cpe:2.3:h:tp-link:archer_c7:5.0:…; unknown version is ANY. */
export function buildCpe23(p: CpeParts): string {
  const blank = { update: '*', edition: '*', language: '*', swEdition: '*', targetSw: '*', targetHw: '*', other: '*' };
  return formatCpe23({
    part: p.part,
    vendor: escapeFsValue(p.vendor),
    product: escapeFsValue(p.product),
    version: p.version ? escapeFsValue(p.version) : '*',
    ...blank,
  });
}
