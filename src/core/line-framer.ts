// Frames bytes into lines the way readline does (\n, \r\n, a lone \r; a \r\n split between two
// reads is one end), without the UTF-8 byte-order mark some files start with, with a longest line: a longer line is never held whole. Its first bytes are
// kept for the report and the rest dropped up to its end, so memory stays bounded whatever the
// input. All the lines of one push come from one buffer, so a line's bytes can be had again
// (rawBytes) for reports that escape invalid UTF-8 byte by byte.

/** Bytes of an over-long line kept for its report. */
const HEAD_BYTES = 256;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class LineFramer {
  /** The lines framed by the last push or end, as text; undefined for a line over the limit. */
  readonly lines: (string | undefined)[] = [];
  /** For an over-long line (same index): its length in bytes; otherwise 0. */
  readonly tooLong: number[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private carry: Buffer = Buffer.alloc(0);
  /** Inside an over-long line: its bytes so far, and its first bytes. */
  private skipping = 0;
  private head: Buffer = Buffer.alloc(0);
  /** The last push ended on \r: a \n starting the next one belongs to it. */
  private afterCr = false;
  /** No byte of the input framed yet: a byte-order mark may come. */
  private atStart = true;

  constructor(readonly maxLineBytes: number) {}

  /** Frames `chunk`; the complete lines are then in `lines` (count returned). */
  push(chunk: Buffer): number {
    this.reset();
    let b = chunk;
    let pos = 0;
    if (this.afterCr && b.length > 0) {
      if (b[0] === 10) pos = 1;
      this.afterCr = false;
    }
    if (this.carry.length) {
      b = Buffer.concat([this.carry, b.subarray(pos)]);
      pos = 0;
      this.carry = Buffer.alloc(0);
    }
    if (this.atStart) {
      // Fewer bytes than a mark, all of them like its start: wait for more.
      if (b.length - pos < BOM.length && BOM.subarray(0, b.length - pos).equals(b.subarray(pos))) {
        this.carry = Buffer.from(b.subarray(pos));
        return 0;
      }
      this.atStart = false;
      if (b.subarray(pos, pos + BOM.length).equals(BOM)) pos += BOM.length;
    }
    this.buf = b;
    let nextLf = b.indexOf(10, pos);
    let nextCr = b.indexOf(13, pos);
    for (;;) {
      if (nextLf >= 0 && nextLf < pos) nextLf = b.indexOf(10, pos);
      if (nextCr >= 0 && nextCr < pos) nextCr = b.indexOf(13, pos);
      const end = nextCr < 0 ? nextLf : nextLf < 0 ? nextCr : Math.min(nextLf, nextCr);
      if (end < 0) break;
      let after = end + 1;
      if (b[end] === 13) {
        if (end + 1 < b.length) {
          if (b[end + 1] === 10) after = end + 2;
        } else this.afterCr = true;
      }
      this.emit(b, pos, end);
      pos = after;
    }
    this.hold(b, pos);
    return this.lines.length;
  }

  /** The last line, if the input did not end with a line end. */
  end(): number {
    this.reset();
    if (this.skipping) this.emitLong();
    else if (this.carry.length) {
      this.buf = this.carry;
      this.emit(this.carry, 0, this.carry.length);
    }
    this.carry = Buffer.alloc(0);
    return this.lines.length;
  }

  /** The bytes of line `i` of the last push (the first bytes only, for an over-long line). */
  rawBytes(i: number): Buffer {
    return this.tooLong[i] ? this.heads[i]! : this.buf.subarray(this.starts[i], this.ends[i]);
  }

  private heads: Buffer[] = [];

  private reset(): void {
    this.lines.length = 0;
    this.tooLong.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
    this.heads.length = 0;
  }

  private emit(b: Buffer, start: number, end: number): void {
    if (this.skipping) {
      this.skipping += end - start;
      return this.emitLong();
    }
    if (end - start > this.maxLineBytes) {
      this.skipping = end - start;
      // Its first bytes, and none of the line after it.
      this.head = Buffer.from(b.subarray(start, Math.min(end, start + HEAD_BYTES)));
      return this.emitLong();
    }
    this.lines.push(b.toString('utf8', start, end));
    this.tooLong.push(0);
    this.starts.push(start);
    this.ends.push(end);
  }

  private emitLong(): void {
    const i = this.lines.length;
    this.lines.push(undefined);
    this.tooLong.push(this.skipping);
    this.starts.push(0);
    this.ends.push(0);
    this.heads[i] = this.head;
    this.skipping = 0;
    this.head = Buffer.alloc(0);
  }

  /** Keeps the unfinished line after `pos`, or only counts it once it is over the limit. */
  private hold(b: Buffer, pos: number): void {
    const rest = b.length - pos;
    if (this.skipping) this.skipping += rest;
    else if (rest > this.maxLineBytes) {
      this.skipping = rest;
      this.head = Buffer.from(b.subarray(pos, pos + HEAD_BYTES));
    } else if (rest > 0) this.carry = Buffer.from(b.subarray(pos));
  }
}
