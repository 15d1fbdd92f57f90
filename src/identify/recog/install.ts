// Installs a copy of Recog's fingerprint database (a checkout or an unpacked release) beside the
// store, replacing the one there, with its licence and the version it was taken from.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BotcensusError } from '../../core/errors.js';
import { loadRecogDir } from './load.js';

/** What `recog-source.json` in an installed folder records. */
export interface RecogSource {
  /** Recog's version ("3.1.5"), as found in the source or given; "unknown" when neither. */
  version: string;
  /** Recog's licence; its LICENSE/COPYING files are copied beside the XML. */
  licence: 'BSD-2-Clause';
  licenceFiles: string[];
  /** The folder (or URL) it was installed from. */
  from: string;
  files: number;
  installedAt: string;
}

const SOURCE_FILE = 'recog-source.json';
const LICENCE_FILES = ['LICENSE', 'COPYING', 'LICENSE.md'];

/** The folder holding the XML: `xml/` of a Recog checkout or release, or the folder itself. */
function xmlFolder(from: string): string {
  const sub = join(from, 'xml');
  if (existsSync(sub)) return sub;
  return from;
}

/** Recog keeps its version in lib/recog/version.rb; a VERSION file is read too. */
export function detectRecogVersion(from: string): string | undefined {
  for (const base of [from, dirname(from)]) {
    const rb = join(base, 'lib', 'recog', 'version.rb');
    if (existsSync(rb)) {
      const m = /VERSION\s*=\s*['"]([^'"]+)['"]/.exec(readFileSync(rb, 'utf8'));
      if (m) return m[1];
    }
    const plain = join(base, 'VERSION');
    if (existsSync(plain)) return readFileSync(plain, 'utf8').trim() || undefined;
  }
  return undefined;
}

/**
 * Copies every *.xml of `from` (or `from/xml`) into `dir`, with Recog's licence files, after
 * checking that each parses; the folder is replaced only once the copy is whole. Throws naming the
 * file when one is not a fingerprint database.
 */
export function installRecogFrom(from: string, dir: string, version?: string): RecogSource {
  const src = resolve(from);
  if (!existsSync(src)) throw new BotcensusError('UNREADABLE', 'no such folder', { file: src });
  const xml = xmlFolder(src);
  const names = readdirSync(xml).filter((n) => n.toLowerCase().endsWith('.xml')).sort();
  if (names.length === 0) throw new BotcensusError('BAD_INPUT', 'no fingerprint XML files here (nor in xml/)', { file: src });
  loadRecogDir(xml); // every file parses, or the error names it
  const staging = join(dirname(dir), `.recog-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const n of names) copyFileSync(join(xml, n), join(staging, n));
    const licenceFiles: string[] = [];
    for (const base of [src, xml, dirname(xml)]) {
      for (const l of LICENCE_FILES) {
        if (!licenceFiles.includes(l) && existsSync(join(base, l))) {
          copyFileSync(join(base, l), join(staging, l));
          licenceFiles.push(l);
        }
      }
    }
    const source: RecogSource = {
      version: version ?? detectRecogVersion(src) ?? 'unknown',
      licence: 'BSD-2-Clause',
      licenceFiles,
      from: src,
      files: names.length,
      installedAt: new Date().toISOString(),
    };
    writeFileSync(join(staging, SOURCE_FILE), JSON.stringify(source, null, 2) + '\n');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
    return source;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Records where a fetched copy came from (fingerprints update without a folder). */
export function noteRecogSource(dir: string, from: string, files: number, version = 'unknown'): RecogSource {
  const licenceFiles = LICENCE_FILES.filter((l) => existsSync(join(dir, l)));
  const source: RecogSource = { version, licence: 'BSD-2-Clause', licenceFiles, from, files, installedAt: new Date().toISOString() };
  writeFileSync(join(dir, SOURCE_FILE), JSON.stringify(source, null, 2) + '\n');
  return source;
}

/** The source record of an installed folder, if it has one. */
export function readRecogSource(dir: string): RecogSource | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, SOURCE_FILE), 'utf8')) as RecogSource;
  } catch {
    return undefined;
  }
}
