// What a hex hash in an indicator list is a hash of: a payload file (the default), or a TLS
// certificate where the file says so (a column, heading or label naming certificates, SSL or TLS).
import { FieldError } from '../core/errors.js';
import type { IndicatorCore } from './normalize.js';

/** `ja3` is a TLS client fingerprint: named in the file, it is kept apart from file hashes. */
export type HashKind = 'file' | 'cert' | 'ja3';

const JA = /\bja[34]s?\b/i;
const CERT = /certificate|\bcerts?\b|\bssl\b|\btls\b|x\.?509/i;
const FILES = /\bfiles?\b|file[-_ ]?(?:hash|name|sha|md5)|payload|\bsamples?\b|binar(?:y|ies)|malware|executable|\bscripts?\b|implant|loader|dropper/i;
const ALGORITHMS = /\bhash(?:es)?\b|sha-?256|sha-?1\b|\bmd-?5\b/i;

/**
 * The kind a piece of text names (a heading, column name, type cell or label), if any. An
 * algorithm's name ("SHA256:") says nothing of what was hashed, except as a heading, which opens
 * a section of (file) hashes after, say, one of certificates.
 */
export function hashKindOf(text: string, heading = false): HashKind | undefined {
  if (JA.test(text)) return 'ja3';
  if (CERT.test(text)) return 'cert';
  if (FILES.test(text) || (heading && ALGORITHMS.test(text))) return 'file';
  return undefined;
}

/** A JA4 TLS client fingerprint ("t13d1516h2_8daaf6152771_02713d6af862"). */
export const JA4 = /^[tqd]\d{2}[di]\d{4}[a-z0-9]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/i;

/** A file name beside a hash ("Kv-all.sh", "x86_64.elf") says the hash is of that file. */
export function namesFile(text: string): boolean {
  return /(?:^|[\s(\["'])[\w.-]*[\w-]\.(?:sh|exe|dll|elf|bin|so|py|pl|ps1|bat|vbs|js|jar|apk|zip|rar|7z|gz|tgz|tar|arm\d*|mips(?:el)?|x86(?:_64)?|i686|m68k|ppc|sparc|sh4|arc)(?=$|[\s)\]"',;:])/i.test(
    text,
  );
}

/**
 * A hash read by parseIndicator (always a file hash) as the kind its context names. Colon-separated
 * pairs ("AB:CD:…") are how TLS tools print certificate fingerprints, so they are certificates
 * unless the context says otherwise.
 */
export function asHashKind(core: IndicatorCore, kind: HashKind | undefined, raw: string, field?: string): IndicatorCore {
  if (!core.type.startsWith('file-')) return core;
  const k = kind ?? (/^[0-9a-f]{2}(?::[0-9a-f]{2})+$/i.test(raw.trim()) ? 'cert' : 'file');
  if (k === 'file') return core;
  if (k === 'ja3') throw new FieldError(field, `a JA3/JA4 TLS fingerprint (${core.value.length} hex digits): botcensus does not match those`);
  if (core.type === 'file-md5') throw new FieldError(field, 'an MD5 certificate fingerprint: botcensus matches SHA-256 and SHA-1 ones');
  return { ...core, type: core.type === 'file-sha256' ? 'cert-sha256' : 'cert-sha1' };
}
