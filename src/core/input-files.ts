// The files an import may read: only regular files (a FIFO would block, a device never ends), named
// plainly when they cannot be read; directories walked with symbolic-link loops detected and the
// number of files bounded.
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BotcensusError } from './errors.js';
import { limits } from './limits.js';

/** What the file system said, in words (its error code, without the stack or the call). */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENOTDIR':
      return 'a path part is not a directory';
    case 'EISDIR':
      return 'a directory';
    case 'ENAMETOOLONG':
      return 'name too long';
    default:
      return e.code ? `cannot read (${e.code})` : `cannot read: ${e.message}`;
  }
}

/** "a FIFO", "a socket", ... for a file that is not a regular file; undefined for one that is. */
export function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Throws a plain UNREADABLE error unless `path` (links followed) is a regular file; never opens it. */
export async function checkRegularFile(path: string): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw new BotcensusError('UNREADABLE', fsReason(err), { file: path });
  }
  const what = notRegular(st);
  if (what) throw new BotcensusError('UNREADABLE', `${what}, not a regular file: skipped`, { file: path });
  return st;
}

export interface Walked {
  /** Regular files, in the order given, each directory's entries sorted. */
  files: string[];
  /** Paths not read, each with why: not a regular file, a link loop, unreadable. */
  skipped: { path: string; reason: string }[];
}

/**
 * Files named, directories walked (sorted, hidden entries skipped). Links are followed, but a
 * directory reached again through a link (a loop) is named and not walked twice. More than
 * BOTCENSUS_MAX_WALK_FILES files is refused as a whole, before any is read.
 */
export function walkInputs(paths: string[], maxFiles = limits().maxWalkFiles): Walked {
  const out: Walked = { files: [], skipped: [] };
  const seen = new Set<string>();
  const visit = (p: string, named: boolean) => {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (err) {
      // A dangling or looping link inside a directory is named, as is a path given that is not there.
      const looping = (err as NodeJS.ErrnoException).code === 'ELOOP';
      if (!named && !looping && isLink(p)) return void out.skipped.push({ path: p, reason: `${fsReason(err)} (a dangling link)` });
      return void out.skipped.push({ path: p, reason: fsReason(err) });
    }
    if (st.isDirectory()) {
      let real: string;
      let names: string[];
      try {
        real = realpathSync(p);
        names = readdirSync(p);
      } catch (err) {
        return void out.skipped.push({ path: p, reason: fsReason(err) });
      }
      if (seen.has(real)) return void out.skipped.push({ path: p, reason: `symbolic link loop (back to ${real})` });
      seen.add(real);
      for (const name of names.sort()) if (!name.startsWith('.')) visit(join(p, name), false);
      seen.delete(real);
      return;
    }
    const what = notRegular(st);
    if (what) return void out.skipped.push({ path: p, reason: `${what}, not a regular file: skipped` });
    out.files.push(p);
    if (out.files.length > maxFiles)
      throw new BotcensusError('USAGE', `more than ${maxFiles} files to import (BOTCENSUS_MAX_WALK_FILES): name fewer, or raise the limit`, { file: paths.join(' ') });
  };
  for (const p of paths) visit(p, true);
  return out;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
