// Line and column of a byte offset in a stream read in chunks, for messages that name a place:
// only the current chunk is kept, and its lines are counted once, as positions are asked in order.

export class ByteLines {
  private chunk: Buffer = Buffer.alloc(0);
  /** Byte offset of the current chunk's first byte. */
  private chunkStart = 0;
  /** Lines ended before the current chunk, and where the line it starts in began. */
  private linesBefore = 0;
  private lineStartBefore = 0;
  /** How far into the current chunk lines are counted. */
  private cursor = { offset: 0, line: 1, lineStart: 0 };

  /** The next chunk read; the one before it is counted and let go. */
  next(chunk: Buffer): void {
    const end = this.chunkStart + this.chunk.length;
    this.at(end);
    this.linesBefore = this.cursor.line - 1;
    this.lineStartBefore = this.cursor.lineStart;
    this.chunk = chunk;
    this.chunkStart = end;
    this.cursor = { offset: end, line: this.linesBefore + 1, lineStart: this.lineStartBefore };
  }

  /** 1-based line and column of a byte offset in the current chunk or at its end; {} for one before it. */
  at(offset: number): { line?: number; column?: number } {
    if (offset < this.chunkStart) return {};
    let c = this.cursor;
    if (offset < c.offset) c = { offset: this.chunkStart, line: this.linesBefore + 1, lineStart: this.lineStartBefore };
    else c = { ...c };
    const end = Math.min(offset, this.chunkStart + this.chunk.length) - this.chunkStart;
    for (let i = this.chunk.indexOf(0x0a, c.offset - this.chunkStart); i >= 0 && i < end; i = this.chunk.indexOf(0x0a, i + 1)) {
      c.line++;
      c.lineStart = this.chunkStart + i + 1;
    }
    c.offset = this.chunkStart + end;
    this.cursor = c;
    return { line: c.line, column: offset - c.lineStart + 1 };
  }
}
