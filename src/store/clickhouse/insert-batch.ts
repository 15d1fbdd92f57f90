// An INSERT inside `atomically` writes its batch into every row: the column list gains `_batch`,
// and the source gives it (a SELECT is wrapped, each VALUES tuple gains the number). Works on the
// rendered text, whose values are literals: quotes and parentheses are tracked as the engine reads them.
import { BATCH_COLUMN } from './ddl.js';

/** Index just past the bracket closing the one at `open`, skipping quoted text. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '`' || ch === '"') {
      i++;
      while (i < text.length && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  throw new Error('INSERT: unbalanced parentheses');
}

/** A table or column name as the engine reads it: backquoted, double-quoted or bare. */
export const IDENT = '(?:`(?:[^`\\\\]|\\\\.)*`|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*)';
const INSERT_HEAD = new RegExp(`^\\s*INSERT\\s+INTO\\s+(?:${IDENT}\\s*\\.\\s*)?${IDENT}\\s*`, 'i');

export function addInsertBatch(text: string, batch: number): string {
  const head = INSERT_HEAD.exec(text);
  if (!head || text[head[0].length] !== '(') {
    throw new Error(`inside atomically an INSERT names its columns (INSERT INTO t (a, b) ...): ${text.slice(0, 120)}`);
  }
  const listEnd = closing(text, head[0].length);
  const columns = `${text.slice(0, listEnd - 1)}, \`${BATCH_COLUMN}\`)`;
  const source = text.slice(listEnd).trim();
  const id = String(Math.trunc(batch));
  if (!/^VALUES\b/i.test(source)) return `${columns} SELECT *, ${id} FROM (${source})`;
  let out = `${columns} VALUES `;
  let i = source.indexOf('(');
  const tuples: string[] = [];
  while (i !== -1 && i < source.length) {
    const end = closing(source, i);
    tuples.push(`${source.slice(i, end - 1)}, ${id})`);
    i = source.indexOf('(', end);
  }
  out += tuples.join(', ');
  return out;
}
