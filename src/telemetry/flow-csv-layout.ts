// Decides whether DuckDB may read a flow CSV by itself (the fast path), and where each field is.
// Only the plain case qualifies: an nfdump header on the first line, times in UTC.
import type { FlowCsvLayout } from '../store/store.js';
import { parseHeader } from './nfdump.js';
import { openText } from '../core/reader.js';

const NEWLINE = Buffer.from('\n');

export function nfdumpLayout(head: string[], tz?: string): FlowCsvLayout | undefined {
  if (tz || head.length < 2) return undefined;
  const h = parseHeader(head[0]!.trim());
  if (!h || h.names.some((n) => n.includes('%'))) return undefined;
  const start = h.col.start ?? h.col.received;
  if (start === undefined || h.col.src === undefined || h.col.dst === undefined) return undefined;
  const first = head[1]!.split(',');
  if (first.length !== h.names.length) return undefined;
  const startText = first[start]!.trim();
  const startKind = /^\d{12,13}$/.test(startText) ? 'epoch-ms' : /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(startText) ? 'text' : undefined;
  if (!startKind) return undefined;
  return {
    names: h.names,
    start,
    startKind,
    end: h.col.end,
    duration: h.col.end === undefined ? h.col.duration : undefined,
    src: h.col.src,
    dst: h.col.dst,
    sport: h.col.sport,
    dport: h.col.dport,
    proto: h.col.proto,
    bytes: h.col.bytes,
    packets: h.col.packets,
  };
}

/**
 * True when a blank line stands between two data lines. DuckDB's reader skips blank lines, so
 * line numbers counted from its rows would drift after one: such files go through the line
 * reader. Trailing blank lines do not matter. Runs while DuckDB reads the file.
 */
export async function blankLineInside(path: string): Promise<boolean> {
  const { stream } = await openText(path);
  // Buffer.indexOf (native) instead of a byte loop in JavaScript: the scan runs beside DuckDB's
  // reader on the same cores.
  let carry = NEWLINE; // as if after a newline: a leading blank line counts too
  let blank = false; // a blank line has been seen since the last content
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = Buffer.concat([carry, chunk]);
    let from = 0;
    if (!blank) {
      const a = buf.indexOf('\n\n');
      const b = buf.indexOf('\n\r\n');
      const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
      if (at >= 0) {
        blank = true;
        from = at + 1;
      }
    }
    if (blank) {
      // Content after the blank line means it stood inside the data.
      for (let i = from; i < buf.length; i++) {
        const c = buf[i]!;
        if (c !== 10 && c !== 13) {
          stream.destroy();
          return true;
        }
      }
    }
    // The last two bytes go with the next chunk: a blank line ("\n\r\n") can straddle the two.
    carry = buf.subarray(Math.max(0, buf.length - 2));
  }
  return false;
}
