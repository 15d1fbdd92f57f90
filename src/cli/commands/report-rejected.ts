// How the import commands report a file: its rejected lines (the count and the first few, with
// line and field), or its failure as a whole.
import { formatWhere, type Where } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import type { LineCounts } from '../../store/store.js';

export function reportRejected(c: LineCounts, shown = 5): void {
  if (!c.rejected) return;
  for (const ex of c.examples.slice(0, shown))
    console.log(`  line ${ex.line}${ex.field ? `, field '${printable(ex.field)}'` : ''}: ${printable(ex.reason, 1000)}\n    ${printable(ex.raw)}`);
  if (c.rejected > shown) console.log(`  … and ${c.rejected - shown} more rejected lines`);
}

export interface FailedFile {
  status: 'failed';
  file: string;
  error: string;
}

/** A file that failed as a whole: its result row, and the message on stderr unless --json. */
export function fileFailed(file: string, err: unknown, json: boolean): FailedFile {
  const e = err as Error & { where?: Where };
  const error = printable(e.where && (e.where.file || e.where.line !== undefined) ? formatWhere(e.where) + e.message : `${file}: ${e.message}`, 1500);
  if (!json) console.error(`botcensus: ${error}`);
  return { status: 'failed', file, error };
}
