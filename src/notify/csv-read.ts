// A strict RFC 4180 reader for small CSV files (the owners file): quoted cells may hold commas,
// doubled quotes and line breaks, and every record keeps the line it starts on for messages.

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  cells: string[];
}

export interface CsvReadError {
  line: number;
  message: string;
}

/** Splits CSV text into records; blank lines are skipped. An unterminated quote is an error for its record. */
export function readCsv(text: string): { records: CsvRecord[]; errors: CsvReadError[] } {
  const records: CsvRecord[] = [];
  const errors: CsvReadError[] = [];
  const s = text.startsWith('\ufeff') ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let ended = false;
    while (i < s.length && !ended) {
      const ch = s[i]!;
      if (quoted) {
        if (ch === '"' && s[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (ch === '"') {
          quoted = false;
          i++;
        } else {
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
      } else if (ch === '"' && cell.trim() === '') {
        quoted = true;
        cell = '';
        i++;
      } else if (ch === ',') {
        cells.push(cell);
        cell = '';
        i++;
      } else if (ch === '\n' || ch === '\r') {
        i += ch === '\r' && s[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
      } else {
        cell += ch;
        i++;
      }
    }
    if (quoted) {
      errors.push({ line: start, message: 'a quoted cell is never closed' });
      break;
    }
    cells.push(cell);
    if (cells.length === 1 && cells[0]!.trim() === '') continue;
    records.push({ line: start, cells: cells.map((c) => c.trim()) });
  }
  return { records, errors };
}
