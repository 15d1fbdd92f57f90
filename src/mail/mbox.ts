// Splits an mbox byte stream into messages without holding more than one message at a time, so a
// mailbox of any size is read in bounded memory. A message starts after a "From " line that begins
// the stream or follows an empty line; ">From " quoting (mboxrd and mboxo) loses one '>'.

/** One message's bytes and where its "From " line starts in the (uncompressed) stream. */
export interface MboxMessage {
  offset: number;
  bytes: Buffer;
}

export interface MboxProblem {
  offset: number;
  reason: string;
}

/** A message larger than this is reported as malformed and skipped rather than held in memory. */
export const MAX_MESSAGE_BYTES = 64 << 20;

const NL = 0x0a;
const CR = 0x0d;
const NL_FROM = Buffer.from('\nFrom ');
const FROM_ = Buffer.from('From ');

export async function* splitMbox(chunks: AsyncIterable<Buffer>, problem: (p: MboxProblem) => void): AsyncGenerator<MboxMessage> {
  let carry: Buffer = Buffer.alloc(0);
  let pos = 0; // stream offset of carry[0], always a line start
  let prevEmpty = true; // whether the line before carry[0] is empty (the stream start counts as one)
  let parts: Buffer[] = [];
  let size = 0;
  let start = -1; // stream offset of the current message's From_ line; -1 before the first
  let oversize = false;
  let preamble = false;

  const append = (b: Buffer, at: number) => {
    if (b.length === 0) return;
    if (start < 0) {
      if (!preamble && b.some((x) => x > 0x20)) {
        preamble = true;
        problem({ offset: at, reason: 'text before the first "From " line of the mbox, skipped' });
      }
      return;
    }
    if (oversize) return;
    size += b.length;
    if (size > MAX_MESSAGE_BYTES) {
      oversize = true;
      parts = [];
      return;
    }
    parts.push(Buffer.from(b)); // a copy: the message must not keep whole chunks alive
  };

  const finish = (): MboxMessage | undefined => {
    if (start < 0) return undefined;
    if (oversize) {
      problem({ offset: start, reason: `message larger than ${MAX_MESSAGE_BYTES >> 20} MB, skipped` });
      return undefined;
    }
    let bytes = Buffer.concat(parts, size);
    // The empty line before the next From_ line separates messages; it is not part of this one.
    if (bytes.length && bytes[bytes.length - 1] === NL) bytes = bytes.subarray(0, bytes.length - (bytes[bytes.length - 2] === CR ? 2 : 1));
    if (bytes.includes('>From ')) bytes = Buffer.from(bytes.toString('latin1').replace(/^>(>*From )/gm, '$1'), 'latin1');
    return { offset: start, bytes };
  };

  /** Whether the line before line-start p of buf is empty. */
  const emptyBefore = (buf: Buffer, p: number): boolean => {
    if (p === 0) return prevEmpty;
    if (p === 1) return true; // buf[0] is that line's newline
    const b = buf[p - 2];
    return b === NL || (b === CR && (p === 2 || buf[p - 3] === NL));
  };

  const consume = function* (buf: Buffer, final: boolean): Generator<MboxMessage> {
    let cursor = 0;
    for (;;) {
      let p = cursor === 0 && buf.subarray(0, 5).equals(FROM_) && emptyBefore(buf, 0) ? 0 : -1;
      for (let i = buf.indexOf(NL_FROM, cursor); p < 0 && i >= 0; i = buf.indexOf(NL_FROM, i + 1)) if (emptyBefore(buf, i + 1)) p = i + 1;
      if (p < 0) break;
      const eol = buf.indexOf(NL, p);
      if (eol < 0 && !final) break; // the From_ line goes on in the next chunk
      append(buf.subarray(cursor, p), pos + cursor);
      const m = finish();
      if (m) yield m;
      parts = [];
      size = 0;
      oversize = false;
      start = pos + p;
      cursor = eol < 0 ? buf.length : eol + 1;
    }
    const lastNl = final ? buf.length - 1 : buf.lastIndexOf(NL);
    if (lastNl >= cursor) {
      append(buf.subarray(cursor, lastNl + 1), pos + cursor);
      prevEmpty = lineIsEmpty(buf, lastNl);
      cursor = lastNl + 1;
    } else if (cursor > 0) prevEmpty = false; // carry starts right after a From_ line
    carry = buf.subarray(cursor);
    pos += cursor;
  };

  for await (const chunk of chunks) {
    yield* consume(carry.length ? Buffer.concat([carry, chunk]) : chunk, false);
    if (carry.length > MAX_MESSAGE_BYTES) {
      // One line longer than any message may be: the message it is in is reported and skipped.
      append(carry, pos);
      pos += carry.length;
      carry = Buffer.alloc(0);
      prevEmpty = false;
    }
  }
  if (carry.length) yield* consume(carry, true);
  const m = finish();
  if (m) yield m;
}

/** Whether the line that ends with the newline at `nl` is empty ("\n" or "\r\n"); buf starts at a line start. */
function lineIsEmpty(buf: Buffer, nl: number): boolean {
  if (nl === 0) return true;
  const b = buf[nl - 1];
  return b === NL || (b === CR && (nl === 1 || buf[nl - 2] === NL));
}
