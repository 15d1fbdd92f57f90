// What every intel import is checked for once its file is read, held or streamed: something to
// import, and under --strict no rejected line.
import { BotcensusError } from '../core/errors.js';
import type { LineCounts } from '../core/model/line-counts.js';

export function checkIntelCounts(file: string, c: LineCounts, strict: boolean): void {
  const first = c.examples[0];
  if (c.records === 0)
    throw new BotcensusError('NOTHING_IMPORTED', `nothing imported: no indicators found${first ? `; first rejected: ${first.reason}` : ''}`, { file, line: first?.line, field: first?.field });
  if (strict && c.rejected)
    throw new BotcensusError('STRICT', `--strict: ${c.rejected} line(s) rejected; first: ${first!.reason}`, { file, line: first!.line, field: first!.field });
}
