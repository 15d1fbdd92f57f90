// One Recog fingerprint: a translated pattern, its params (fixed values with {interpolation} or
// capture positions) and its examples; `matchFingerprint` reproduces Recog::Fingerprint#match.
import type { TranslateResult } from './regex-translate.js';

export interface FingerprintParam {
  name: string;
  /** 0 = fixed value; N = capture group N. */
  pos: number;
  value: string;
}

export interface FingerprintExample {
  /** The text to match (base64 examples decoded, byte per character). */
  text: string;
  /** Expected params (the example's attributes other than _encoding/_filename). */
  expect: Record<string, string>;
  base64: boolean;
}

export interface Fingerprint {
  /** Normalised <description>. */
  description: string;
  pattern: string;
  flags: string[];
  /** 0…1 from the `certainty` attribute, when present. */
  certainty?: number;
  params: FingerprintParam[];
  examples: FingerprintExample[];
  regex: TranslateResult;
  /** 0-based position in its file, which is also its priority: first match wins. */
  index: number;
}

export interface FingerprintFile {
  /** File it came from, as given. */
  file: string;
  /** The Recog `matches` key (the base file name when the file has none), after aliasing. */
  key: string;
  protocol?: string;
  databaseType?: string;
  preference?: number;
  fingerprints: Fingerprint[];
}

export interface FingerprintMatch {
  fingerprint: Fingerprint;
  file: FingerprintFile;
  params: Record<string, string>;
  /** Set when a fixed value interpolates a param that has no value (Recog raises for this). */
  error?: string;
}

const INTERPOLATION = /\{([^\s{}]+)\}/g;

/**
 * Runs one fingerprint against a text. Like Recog: capture params take the group's value (absent when
 * the group did not take part), fixed params are interpolated after all params are set, an
 * interpolated `.version` missing from a `.cpe23` value becomes '-', `service.protocol` defaults to the
 * file's protocol and `fingerprint_db` is the file's key.
 */
export function matchFingerprint(fp: Fingerprint, file: FingerprintFile, text: string): FingerprintMatch | undefined {
  if (!fp.regex.ok) return undefined;
  const m = fp.regex.regex.exec(text);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const fixed: FingerprintParam[] = [];
  // A name given twice keeps its last definition, as in Recog's params hash.
  const byName = new Map<string, FingerprintParam>();
  for (const p of fp.params) byName.set(p.name, p);
  for (const p of byName.values()) {
    if (p.pos === 0) {
      params[p.name] = p.value;
      if (p.value.includes('{')) fixed.push(p);
    } else {
      const v = m[p.pos];
      if (v !== undefined) params[p.name] = v;
    }
  }
  if (file.protocol !== undefined && params['service.protocol'] === undefined) params['service.protocol'] = file.protocol;
  params['fingerprint_db'] = file.key;
  let error: string | undefined;
  for (const p of fixed) {
    params[p.name] = p.value.replace(INTERPOLATION, (all, ref: string) => {
      const v = params[ref];
      if (v !== undefined) return v;
      if (/\.cpe23$/.test(p.name) && /\.version$/.test(ref)) return '-';
      error ??= `${p.name} interpolates {${ref}}, which has no value`;
      return all;
    });
  }
  return { fingerprint: fp, file, params, error };
}
