// A set of fingerprint files searched by key: the built-in rules first, then any external Recog
// database appended (`--fingerprints DIR` is `db.add(loadRecogDir(dir))`). First match wins.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BotcensusError } from '../../core/errors.js';
import { matchFingerprint, type FingerprintFile, type FingerprintMatch } from './fingerprint.js';
import { loadRecogDir } from './load.js';

export class RecogDb {
  readonly files: FingerprintFile[] = [];
  private readonly byKey = new Map<string, FingerprintFile[]>();

  constructor(files: FingerprintFile[] = []) {
    this.add(files);
  }

  /** Appends files after those already loaded: they are consulted only when earlier ones do not match. */
  add(files: FingerprintFile[]): this {
    for (const f of files) {
      this.files.push(f);
      const list = this.byKey.get(f.key) ?? [];
      list.push(f);
      this.byKey.set(f.key, list);
    }
    return this;
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /**
   * The first fingerprint for `key` that matches `text`, in load order then file order. A match whose
   * fixed values could not be interpolated is skipped (Recog raises there), and the search goes on.
   */
  matchFirst(key: string, text: string): FingerprintMatch | undefined {
    for (const file of this.byKey.get(key) ?? []) {
      for (const fp of file.fingerprints) {
        const m = matchFingerprint(fp, file, text);
        if (m && !m.error) return m;
      }
    }
    return undefined;
  }

  stats(): { files: number; fingerprints: number; unsupported: number } {
    let fingerprints = 0;
    let unsupported = 0;
    for (const f of this.files) {
      fingerprints += f.fingerprints.length;
      unsupported += f.fingerprints.filter((fp) => !fp.regex.ok).length;
    }
    return { files: this.files.length, fingerprints, unsupported };
  }
}

/**
 * The built-in rules folder, src/identify/rules. Compiled code runs from dist/src/identify/recog and
 * tsc does not copy XML, so the source folder is found relative to either place.
 */
export function builtinRulesDir(): string {
  const candidates = ['../rules/', '../../../../src/identify/rules/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((d) => existsSync(d));
  if (!found) throw new BotcensusError('UNREADABLE', `built-in fingerprint rules not found (looked in ${candidates.join(', ')})`);
  return found;
}

let builtinCache: FingerprintFile[] | undefined;

/** The built-in rule files, parsed once per process. */
export function builtinRules(): FingerprintFile[] {
  builtinCache ??= loadRecogDir(builtinRulesDir());
  return builtinCache;
}

/** A database of the built-in rules followed by each external folder, in the order given. */
export function recogDb(externalDirs: string[] = []): RecogDb {
  const db = new RecogDb(builtinRules());
  for (const dir of externalDirs) db.add(loadRecogDir(dir));
  return db;
}
