// Splits one delimited line into cells, honouring RFC 4180 quoting where the file really uses it.

export interface SplitLine {
  cells: string[];
  /** A quoted cell runs past the end of the line: the record continues on the next line. */
  unterminated: boolean;
}

/**
 * A cell that starts with `"` is quoted until a `"` followed by the separator or the end; `""`
 * inside is one quote. A cell like `"kr" certificate` (a quote that does not close the cell) is
 * read raw, as the people who typed it meant.
 */
export function splitCells(line: string, sep: string): SplitLine {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    if (line[i] === '"') {
      const quoted = readQuoted(line, i + 1, sep);
      if (quoted.kind === 'ok') {
        cells.push(quoted.text);
        i = quoted.end;
      } else if (quoted.kind === 'open') {
        cells.push(line.slice(start));
        return { cells, unterminated: true };
      } else {
        i = nextSep(line, start, sep);
        cells.push(line.slice(start, i));
      }
    } else {
      i = nextSep(line, start, sep);
      cells.push(line.slice(start, i));
    }
    if (i >= line.length) return { cells, unterminated: false };
    i += sep.length;
  }
}

type Quoted = { kind: 'ok'; text: string; end: number } | { kind: 'open' } | { kind: 'malformed' };

function readQuoted(line: string, from: number, sep: string): Quoted {
  let text = '';
  let i = from;
  while (i < line.length) {
    const q = line.indexOf('"', i);
    if (q < 0) return { kind: 'open' };
    text += line.slice(i, q);
    if (line[q + 1] === '"') {
      text += '"';
      i = q + 2;
      continue;
    }
    const after = q + 1;
    if (after === line.length || line.startsWith(sep, after)) return { kind: 'ok', text, end: after };
    return { kind: 'malformed' };
  }
  return { kind: 'open' };
}

function nextSep(line: string, from: number, sep: string): number {
  const j = line.indexOf(sep, from);
  return j < 0 ? line.length : j;
}

/** Quotes a cell for writing when it holds the separator, a quote, a line break or edge spaces. */
export function quoteCell(value: string, sep = ','): string {
  if (value === '') return '';
  if (value.includes(sep) || /["\r\n]/.test(value) || value !== value.trim()) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** Tags in one cell: separated by `;`, `,` or `|`; a backslash escapes a separator inside a tag. */
export function splitTags(cell: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (c === '\\' && i + 1 < cell.length) cur += cell[++i];
    else if (c === ';' || c === ',' || c === '|') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The inverse of splitTags. */
export function joinTags(tags: readonly string[]): string {
  return tags.map((t) => t.replace(/[\\;,|]/g, (c) => '\\' + c)).join(';');
}
