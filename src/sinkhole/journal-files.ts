// The journal's folder: an id file naming the journal, and segments "seg-<first seq>.jsonl" of one
// JSON check-in a line. Shared by the writer (a listener process) and the feeder (the main process).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Segment {
  file: string;
  /** The first sequence number the segment may hold. */
  first: number;
}

const SEGMENT = /^seg-(\d{16})\.jsonl$/;

export function segmentName(first: number): string {
  return `seg-${String(first).padStart(16, '0')}.jsonl`;
}

/** The journal's id, made once when the folder is new. */
export async function journalId(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const f = join(dir, 'journal-id');
  try {
    return (await readFile(f, 'utf8')).trim();
  } catch {
    const id = randomBytes(8).toString('hex');
    await writeFile(f, id + '\n', { flag: 'wx' }).catch(() => undefined);
    return (await readFile(f, 'utf8')).trim();
  }
}

export async function listSegments(dir: string): Promise<Segment[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .map((n) => SEGMENT.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: join(dir, m[0]), first: Number(m[1]) }))
    .sort((a, b) => a.first - b.first);
}

/** The highest sequence number of a complete line in the journal (0 when none). */
export async function lastSequence(dir: string): Promise<number> {
  const segs = await listSegments(dir);
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = await lastCompleteSeq(segs[i]!.file);
    if (s !== undefined) return s;
  }
  return 0;
}

async function lastCompleteSeq(file: string): Promise<number | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    // Lines are short (a few KB at most): the tail holds the last complete one.
    for (let span = 65536; ; span *= 4) {
      const start = Math.max(0, size - span);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const end = buf.lastIndexOf(10);
      if (end >= 0) {
        const prev = buf.lastIndexOf(10, end - 1);
        if (prev >= 0 || start === 0) {
          const s = seqOf(buf.toString('utf8', prev + 1, end));
          if (s !== undefined) return s;
          // A last line that cannot be read: the highest number among the segment's readable lines.
          const all = (await fh.readFile('utf8')).split('\n').map(seqOf).filter((x): x is number => x !== undefined);
          return all.length ? all.reduce((a, b) => Math.max(a, b)) : undefined;
        }
      } else if (start === 0) return undefined;
      if (start === 0) return undefined;
    }
  } finally {
    await fh.close();
  }
}

function seqOf(line: string): number | undefined {
  try {
    const s = (JSON.parse(line) as { s?: unknown }).s;
    return typeof s === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Listener process `index`'s (0-based) journal folder: the folder itself for the first, `listener-N` in it for the others. */
export function listenerJournalDir(root: string, index: number): string {
  return index === 0 ? root : join(root, `listener-${index + 1}`);
}

/**
 * The journal folders the feeder reads: those of `listeners` processes, and any other `listener-N`
 * folder an earlier run with more processes left, so what it journaled is stored too.
 */
export async function journalDirs(root: string, listeners: number): Promise<string[]> {
  const dirs = Array.from({ length: listeners }, (_, i) => listenerJournalDir(root, i));
  const names = await readdir(root).catch(() => [] as string[]);
  for (const n of names.sort()) {
    const d = join(root, n);
    if (/^listener-\d+$/.test(n) && !dirs.includes(d)) dirs.push(d);
  }
  return dirs;
}
