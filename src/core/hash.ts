// Content hashes of input files: the same bytes are imported once, whatever the file is called.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { checkRegularFile } from './input-files.js';

/** Bytes read at a time: about 3 ms of hashing, so other work on the event loop waits no longer. */
const PIECE = 4 << 20;

/**
 * The file's SHA-256, read into one buffer used again and again with synchronous reads, the event
 * loop getting a turn between them. A read stream costs a third more CPU on a large file (a new
 * buffer to fault in for every read, and the thread pool's hand-offs), and the hash of a flow
 * file runs beside the prefilter's scan on the same cores.
 */
export async function sha256File(path: string): Promise<string> {
  // Only a regular file is opened: a FIFO would block the open, a device never end.
  await checkRegularFile(path);
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(PIECE);
    for (;;) {
      const n = readSync(fd, buf, 0, PIECE, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      await turn();
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}
