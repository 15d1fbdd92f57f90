// Building blocks of the Ruby → JavaScript regex translation: output pieces (each with a
// case-folded twin for partly case-insensitive patterns), literal characters, code escapes and
// character classes.

/** A construct JavaScript cannot express; the fingerprint is marked unsupported with this reason. */
export class Unsupported extends Error {}

export type Cased = 'none' | 'sensitive' | 'insensitive';

export interface Piece {
  plain: string;
  /** The same piece with letters expanded to both cases, for case-insensitive scopes in a mixed pattern. */
  folded: string;
  cased: Cased;
  /** A backreference inside a case-insensitive scope: only the JS i flag can express it. */
  ciBackref?: boolean;
}

/** The pattern and the read position, shared by the translator and these readers. */
export interface Cursor {
  p: string;
  pos: number;
}

const SYNTAX = new Set('\\^$.*+?()[]{}|/');
const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\t-\\r ',
  xdigit: '0-9a-fA-F', punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~',
};
const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, a: 7, e: 27 };

export function isLetter(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}

function hex2(n: number): string {
  return n < 256 ? '\\x' + n.toString(16).padStart(2, '0') : '\\u' + n.toString(16).padStart(4, '0');
}

export function literalPiece(ch: string, ci: boolean): Piece {
  const code = ch.charCodeAt(0);
  const plain = SYNTAX.has(ch) ? '\\' + ch : code < 0x20 || code === 0x7f ? hex2(code) : ch;
  if (!isLetter(ch)) return { plain, folded: plain, cased: 'none' };
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  const folded = lo.length === 1 && up.length === 1 && lo !== up ? `[${lo}${up}]` : plain;
  return { plain, folded, cased: ci ? 'insensitive' : 'sensitive' };
}

function classChar(code: number): string {
  const ch = String.fromCharCode(code);
  if ('\\]^-['.includes(ch)) return '\\' + ch;
  return code < 0x20 || code === 0x7f ? hex2(code) : ch;
}

/** The other case of every letter in [lo, hi], as ranges (ASCII) or single characters. */
function foldRange(lo: number, hi: number): string {
  let out = '';
  const add = (a: number, b: number, delta: number) => {
    const s = Math.max(lo, a);
    const e = Math.min(hi, b);
    if (s <= e) out += classChar(s + delta) + (e > s ? '-' + classChar(e + delta) : '');
  };
  add(0x61, 0x7a, -32);
  add(0x41, 0x5a, 32);
  if (hi - lo < 64) {
    for (let c = Math.max(lo, 0x80); c <= hi; c++) {
      const ch = String.fromCharCode(c);
      for (const o of [ch.toLowerCase(), ch.toUpperCase()]) if (o.length === 1 && o !== ch) out += classChar(o.charCodeAt(0));
    }
  }
  return out;
}

/**
 * Reads a character given by an escape (\xHH, \x{H…}, \uHHHH, \u{H…}, octal \0nn, \n \r \t \f \v \a \e)
 * with the cursor just after the backslash; undefined (cursor unmoved) for any other escape.
 */
export function readCodeEscape(cur: Cursor): number | undefined {
  const rest = cur.p.slice(cur.pos);
  let m: RegExpExecArray | null;
  if ((m = /^[xu]\{([0-9a-fA-F]{1,6})\}/.exec(rest))) {
    const code = parseInt(m[1]!, 16);
    if (code > 0xffff) throw new Unsupported('code point above U+FFFF needs the u flag');
    cur.pos += m[0].length;
    return code;
  }
  if ((m = /^x([0-9a-fA-F]{1,2})/.exec(rest)) || (m = /^u([0-9a-fA-F]{4})/.exec(rest))) {
    cur.pos += m[0].length;
    return parseInt(m[1]!, 16);
  }
  if ((m = /^0[0-7]{0,2}/.exec(rest))) {
    cur.pos += m[0].length;
    return parseInt(m[0], 8);
  }
  const simple = SIMPLE_ESCAPES[rest[0] ?? ''];
  if (simple !== undefined) cur.pos++;
  return simple;
}

/** One member of a class: a character code, or a ready-made set (\d, \h, [:alpha:]…). */
function classItem(cur: Cursor): { code: number } | { text: string } {
  const c = cur.p[cur.pos]!;
  if (c === '[') {
    const m = /^\[:(\^)?([a-z]+):\]/.exec(cur.p.slice(cur.pos));
    if (!m) throw new Unsupported('nested character class');
    const set = POSIX[m[2]!];
    if (!set || m[1]) throw new Unsupported(`POSIX bracket [:${m[1] ?? ''}${m[2]}:]`);
    cur.pos += m[0].length;
    return { text: set };
  }
  if (c === '&' && cur.p[cur.pos + 1] === '&') throw new Unsupported('character class intersection &&');
  cur.pos++;
  if (c !== '\\') return { code: c.charCodeAt(0) };
  const e = cur.p[cur.pos];
  if (e === undefined) throw new Unsupported('trailing backslash');
  if (e === 'b') {
    cur.pos++;
    return { code: 8 }; // backspace inside a class, in both languages
  }
  const code = readCodeEscape(cur);
  if (code !== undefined) return { code };
  cur.pos++;
  const sets: Record<string, string> = { d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: '\\t-\\r ', S: '\\S', h: '0-9a-fA-F' };
  if (e in sets) return { text: sets[e]! };
  if (/[A-Za-z0-9]/.test(e)) throw new Unsupported(`\\${e} inside a character class has no JavaScript equivalent`);
  return { code: e.charCodeAt(0) };
}

/** Reads a bracket expression with the cursor on '['. Ruby takes a ']' right after '[' or '[^' literally. */
export function readCharClass(cur: Cursor, ci: boolean): Piece {
  const p = cur.p;
  cur.pos++;
  let body = '';
  let folded = '';
  let cased: Cased = 'none';
  const negate = p[cur.pos] === '^';
  if (negate) cur.pos++;
  let first = true;
  while (true) {
    if (cur.pos >= p.length) throw new Unsupported('unterminated character class');
    if (p[cur.pos] === ']' && !first) break;
    first = false;
    const a = classItem(cur);
    if ('text' in a) {
      body += a.text;
      folded += a.text;
      continue;
    }
    const lo = a.code;
    let hi = a.code;
    if (p[cur.pos] === '-' && cur.pos + 1 < p.length && p[cur.pos + 1] !== ']') {
      cur.pos++;
      const b = classItem(cur);
      if ('text' in b) throw new Unsupported('character class range ending in a set');
      hi = b.code;
      if (hi < lo) throw new Unsupported('empty character class range');
    }
    const text = lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`;
    const extra = foldRange(lo, hi);
    body += text;
    folded += text + extra;
    if (extra !== '' || (lo === hi && isLetter(String.fromCharCode(lo)))) cased = ci ? 'insensitive' : 'sensitive';
  }
  cur.pos++; // the closing ]
  const open = negate ? '[^' : '[';
  return { plain: `${open}${body}]`, folded: `${open}${folded}]`, cased };
}
