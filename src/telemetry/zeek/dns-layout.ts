// Decides whether DuckDB may read a Zeek dns.log by itself (the fast path), and where each field
// is. Only the plain case qualifies: one TSV header block at the top (tab-separated, ',' between
// set elements, Zeek's '-' and '(empty)' markers), epoch times, and at most a "#close" trailer
// at the end. Anything else, and any line DuckDB cannot split into the header's columns, goes
// through the line reader.
import type { DnsTsvLayout } from '../../store/store.js';
import { openText } from '../../core/reader.js';
import { TsvHeader } from './tsv-header.js';

/** The layout from the file's first lines (headLines), or undefined when DuckDB may not read it. */
export function zeekDnsLayout(head: string[], tz?: string): DnsTsvLayout | undefined {
  // Epoch times carry no zone, so a --tz would not apply anyway; it still marks an unusual file.
  if (tz) return undefined;
  const header = new TsvHeader();
  let headerLines = 0;
  while (headerLines < head.length && head[headerLines]!.startsWith('#')) header.read(head[headerLines++]!);
  const first = head[headerLines];
  // Zeek's own markers: the SQL then treats '-' and '(empty)' as the line reader's isBlank does.
  const markers = header.unsetField === '-' && header.emptyField === '(empty)';
  if (first === undefined || header.separator !== '\t' || header.setSeparator !== ',' || !markers) return undefined;
  if (header.path !== undefined && header.path !== 'dns') return undefined;
  const at = (name: string) => header.index.get(name);
  const [ts, client, query] = [at('ts'), at('id.orig_h'), at('query')];
  if (ts === undefined || client === undefined || query === undefined) return undefined;
  const cols = first.split('\t');
  if (cols.length !== header.fields.length || !/^\d{9,10}(\.\d+)?$/.test(cols[ts]!)) return undefined;
  const answers = at('answers');
  return {
    names: header.fields,
    headerLines,
    ts,
    client,
    server: at('id.resp_h'),
    query,
    qtypeName: at('qtype_name'),
    qtype: at('qtype'),
    answers,
    answersIsSet: answers !== undefined && header.isContainer('answers'),
  };
}

/**
 * Counts the data lines after `headerLines` header lines, and whether the file keeps to the fast
 * path's shape: exactly that many "#" lines first, then data lines with nothing between them,
 * then only "#" or blank lines. DuckDB's row count must equal the data line count, or some line
 * did not split into the header's columns. Runs while DuckDB reads the file.
 */
export async function zeekDnsBody(path: string, headerLines: number): Promise<{ plain: boolean; dataLines: number }> {
  const { stream } = await openText(path);
  let line = 0; // lines started so far
  let dataLines = 0;
  let trailer = false; // a "#" or blank line after the data was seen
  let atLineStart = true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = chunk as Buffer;
    let i = 0;
    while (i < buf.length) {
      if (atLineStart) {
        const c = buf[i]!;
        line++;
        const comment = c === 35; // '#'
        const blank = c === 10 || c === 13;
        if (line <= headerLines) {
          if (!comment) return stop(stream);
        } else if (comment || blank) trailer = true;
        else if (trailer) return stop(stream);
        else dataLines++;
      }
      // Buffer.indexOf (native), not a byte loop: the scan shares the cores with DuckDB's reader.
      const nl = buf.indexOf(10, i);
      if (nl < 0) {
        atLineStart = false;
        break;
      }
      i = nl + 1;
      atLineStart = true;
    }
  }
  return { plain: line > headerLines, dataLines };
}

function stop(stream: { destroy(): void }): { plain: false; dataLines: number } {
  stream.destroy();
  return { plain: false, dataLines: 0 };
}
