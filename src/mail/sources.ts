// Where messages come from: .eml files, mbox files and Maildir folders, gzip-compressed or not,
// directories walked. Every message is yielded with its file and byte offset so a bad one can be
// named; mbox files are streamed (see mbox.ts).
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BotcensusError } from '../core/errors.js';
import { splitMbox, MAX_MESSAGE_BYTES } from './mbox.js';

export type MailFileKind = 'eml' | 'mbox';

/** One message as stored: the file it is in and where it starts (in the uncompressed bytes). */
export interface RawMessage {
  file: string;
  offset: number;
  bytes: Buffer;
}

/** A part of a mail file that is not a message: reported, never silently dropped. */
export interface MailProblem {
  file: string;
  offset: number;
  reason: string;
}

/**
 * The files under the given paths, in a stable order. In a Maildir only cur/ and new/ hold
 * messages (tmp/ holds deliveries in progress); hidden files are skipped.
 */
export function mailFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file: p });
    }
    if (!st.isDirectory()) {
      out.push(p);
      return;
    }
    const names = readdirSync(p).filter((n) => !n.startsWith('.')).sort();
    const maildir = names.includes('cur') && names.includes('new');
    for (const name of names) {
      if (maildir && name === 'tmp') continue;
      walk(join(p, name));
    }
  };
  for (const p of paths) walk(p);
  return out;
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function head(file: string, n: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function stream(file: string, gz: boolean): AsyncIterable<Buffer> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!gz) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (err) => gunzip.destroy(err));
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

async function readAll(chunks: AsyncIterable<Buffer>, file: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of chunks) {
    size += c.length;
    if (size > MAX_MESSAGE_BYTES) throw new BotcensusError('BAD_INPUT', `message larger than ${MAX_MESSAGE_BYTES >> 20} MB`, { file });
    parts.push(c);
  }
  return Buffer.concat(parts, size);
}

/** The first bytes of the (uncompressed) content. */
async function sniff(file: string, gz: boolean): Promise<Buffer> {
  if (!gz) return head(file, 5);
  // Returning from the loop closes the stream (and the file under it).
  for await (const c of stream(file, true)) return Buffer.from(c.subarray(0, 5));
  return Buffer.alloc(0);
}

/**
 * Every message in one file, read as its content says: an mbox when it begins with "From ",
 * otherwise one message (.eml, a Maildir file). Problems (bytes that are no message) go to
 * `problem` and reading goes on; a file that cannot be read at all throws.
 */
export async function* readMailFile(file: string, problem: (p: MailProblem) => void, onBytes?: (n: number) => void): AsyncGenerator<RawMessage> {
  let gz: boolean;
  let first: Buffer;
  try {
    const h = await head(file, 2);
    gz = h[0] === GZIP_MAGIC[0] && h[1] === GZIP_MAGIC[1];
    first = await sniff(file, gz);
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file });
  }
  const chunks = counted(stream(file, gz), onBytes);
  if (first.toString('latin1') === 'From ') {
    for await (const m of splitMbox(chunks, (p) => problem({ file, ...p }))) yield { file, ...m };
    return;
  }
  try {
    yield { file, offset: 0, bytes: await readAll(chunks, file) };
  } catch (err) {
    if (err instanceof BotcensusError) problem({ file, offset: 0, reason: err.message });
    else throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file });
  }
}

async function* counted(chunks: AsyncIterable<Buffer>, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    onBytes?.(n);
    yield c;
  }
}
