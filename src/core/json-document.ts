// JSON documents read whole (the KEV catalog; STIX and MISP are streamed, json-stream.ts): their size
// and nesting depth are checked before JSON.parse builds them, so a hostile document is refused
// with a plain line instead of exhausting memory or the stack of the code that walks it.
import { BotcensusError } from './errors.js';
import { formatBytes, type Limits } from './limits.js';

/** Throws unless `bytes` is within BOTCENSUS_MAX_JSON_BYTES. */
export function checkJsonSize(bytes: number, lim: Pick<Limits, 'maxJsonBytes'>, file: string): void {
  if (bytes > lim.maxJsonBytes)
    throw new BotcensusError('BAD_INPUT', `JSON document larger than ${formatBytes(lim.maxJsonBytes)} (BOTCENSUS_MAX_JSON_BYTES): refused`, { file });
}

/**
 * Throws, naming the line, where arrays and objects nest deeper than BOTCENSUS_MAX_JSON_DEPTH
 * (brackets inside strings do not count). One pass over the text, no recursion.
 */
export function checkJsonDepth(text: string, lim: Pick<Limits, 'maxJsonDepth'>, file: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > lim.maxJsonDepth) {
        const line = lineAt(text, i);
        throw new BotcensusError('BAD_INPUT', `JSON nested deeper than ${lim.maxJsonDepth} levels (BOTCENSUS_MAX_JSON_DEPTH): refused`, { file, line });
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
