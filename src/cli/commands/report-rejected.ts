// Prints a file's rejected lines: the count and the first few, with line and field.
import type { LineCounts } from '../../store/store.js';

export function reportRejected(c: LineCounts, shown = 5): void {
  if (!c.rejected) return;
  for (const ex of c.examples.slice(0, shown))
    console.log(`  line ${ex.line}${ex.field ? `, field '${ex.field}'` : ''}: ${ex.reason}\n    ${ex.raw}`);
  if (c.rejected > shown) console.log(`  … and ${c.rejected - shown} more rejected lines`);
}
