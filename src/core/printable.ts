// Text from input files made safe to print in a terminal, a log, a JSON answer or a web page:
// control characters, invalid UTF-8 and the invisible characters that reorder or hide text are
// written as escapes, and long values are cut with an ellipsis. Every message that quotes input
// goes through here (errors.ts, the reader base, the CLI and the HTTP error bodies).

/** Longest quoted value kept whole, in characters. */
export const QUOTE_MAX = 200;

/**
 * Characters written as escapes: C0 and C1 controls and DEL; U+FFFD (what invalid UTF-8 decodes
 * to); lone surrogates; bidirectional overrides and isolates, zero-width characters, the line and
 * paragraph separators and the byte-order mark, which reorder or hide what is around them.
 */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(c: string): string {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** `s` with unsafe characters escaped (`\x00`, `\u202e`) and cut to `max` characters plus "…". */
export function printable(s: string, max = QUOTE_MAX): string {
  let cut = s;
  if (s.length > max) {
    let end = max;
    // Not between the two halves of a surrogate pair.
    if (end > 0 && /[\ud800-\udbff]/.test(s[end - 1]!)) end--;
    cut = s.slice(0, end);
  }
  const safe = cut.replace(UNSAFE, escape);
  return cut.length < s.length ? safe + '…' : safe;
}

/**
 * Bytes as printable text: valid UTF-8 decoded (and escaped as above), every byte of an invalid
 * sequence written as `\xNN`.
 */
export function printableBytes(b: Uint8Array, max = QUOTE_MAX): string {
  let out = '';
  let i = 0;
  let chars = 0;
  while (i < b.length && chars < max) {
    const len = utf8SequenceLength(b, i);
    if (len === 0) {
      out += `\\x${b[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += printable(Buffer.from(b.buffer, b.byteOffset + i, len).toString('utf8'), Infinity);
      i += len;
    }
    chars++;
  }
  return i < b.length ? out + '…' : out;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates), or 0. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
