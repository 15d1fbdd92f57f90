// The limits every input passes through, each a setting with a safe default. A setting is read from
// its environment variable when a file is opened, so a long-running server and a one-shot command
// take the same values; docs/security.md lists them.
import { BotcensusError } from './errors.js';

export interface Limits {
  /** Longest line, in bytes; a longer line is rejected with its number and reading goes on. */
  maxLineBytes: number;
  /** Most bytes a gzip file may inflate to. */
  maxInflatedBytes: number;
  /** Most a gzip file may inflate per compressed byte, checked once `inflateRatioAfter` bytes are out. */
  maxInflateRatio: number;
  /** Most bytes of JSON held at once: a document read whole (warninglists, KEV), or one object of a streamed one (STIX, MISP) and what surrounds its objects. */
  maxJsonBytes: number;
  /** Deepest nesting of arrays and objects in a JSON document. */
  maxJsonDepth: number;
  /** Most fields (columns, keys) one line or record may hold. */
  maxFields: number;
  /** Most files one directory walk hands over. */
  maxWalkFiles: number;
  /** Largest file the dashboard accepts as an upload. */
  maxUploadBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Each setting: its environment variable and default. */
export const LIMIT_SETTINGS: Record<keyof Limits, { env: string; default: number; what: string }> = {
  maxLineBytes: { env: 'BOTCENSUS_MAX_LINE_BYTES', default: 1 * MiB, what: 'longest line' },
  maxInflatedBytes: { env: 'BOTCENSUS_MAX_INFLATED_BYTES', default: 16 * GiB, what: 'most bytes a gzip file inflates to' },
  maxInflateRatio: { env: 'BOTCENSUS_MAX_INFLATE_RATIO', default: 100, what: 'most bytes a gzip file inflates to per compressed byte' },
  maxJsonBytes: { env: 'BOTCENSUS_MAX_JSON_BYTES', default: 256 * MiB, what: 'most JSON held at once' },
  maxJsonDepth: { env: 'BOTCENSUS_MAX_JSON_DEPTH', default: 64, what: 'deepest JSON nesting' },
  maxFields: { env: 'BOTCENSUS_MAX_FIELDS', default: 4096, what: 'most fields in one line or record' },
  maxWalkFiles: { env: 'BOTCENSUS_MAX_WALK_FILES', default: 100_000, what: 'most files one directory walk takes' },
  maxUploadBytes: { env: 'BOTCENSUS_MAX_UPLOAD_BYTES', default: 1 * GiB, what: 'largest dashboard upload' },
};

/** Inflated bytes let out before the ratio is checked: small files of one repeated line may compress very well. */
export const INFLATE_RATIO_AFTER = 2 * MiB;

const SUFFIX: Record<string, number> = { '': 1, k: KiB, m: MiB, g: GiB };

/** "1048576", "1M", "512k", "16G" (binary multiples). */
export function parseLimit(name: string, text: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * SUFFIX[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new BotcensusError('USAGE', `${name} takes a positive whole number (suffix K, M or G allowed), not ${JSON.stringify(text)}`);
  return n;
}

/** The limits in force: each from its environment variable, else its default. */
export function limits(env: NodeJS.ProcessEnv = process.env): Limits {
  const out = {} as Limits;
  for (const [key, s] of Object.entries(LIMIT_SETTINGS) as [keyof Limits, (typeof LIMIT_SETTINGS)[keyof Limits]][]) {
    const v = env[s.env];
    out[key] = v === undefined || v === '' ? s.default : parseLimit(s.env, v);
  }
  return out;
}

/** "1 MiB", "16 GiB", "4096". */
export function formatBytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}
