// Decides whether DuckDB may read a flow CSV by itself (the fast path), and where each field is.
// Only the plain case qualifies: an nfdump header on the first line, times in UTC.
import type { FlowCsvLayout } from '../store/store.js';
import { parseHeader } from './nfdump.js';
import { openText } from './reader.js';

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
  let prev = 10; // as if after a newline: a leading blank line counts too
  let blank = false; // a blank line has been seen since the last content
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 13) continue;
      if (b === 10) {
        if (prev === 10) blank = true;
      } else if (blank) {
        stream.destroy();
        return true;
      }
      prev = b;
    }
  }
  return false;
}
