// Ruby (Onigmo) regular expressions, as Recog writes them, translated to JavaScript RegExps with the
// same meaning. Ruby differs from JS in ways that change matches, so each construct is rewritten:
//   ^ $        always line anchors in Ruby           → (?<![^\n]) (?![^\n])
//   .          any char but \n; with (?m) any char     → [^\n] / [\s\S]   (JS's . also stops at \r)
//   \A \z \Z   string anchors                          → lookarounds on [\s\S]
//   \h \H \s   hex digit; ASCII whitespace             → explicit classes
//   (?i) (?m) (?i:…) (?im:…) scoped flags              → JS i flag when case-folding covers the whole
//              pattern, else letters expanded to [aA]; (?m) scopes pick the dot's translation
//   (?<name>…) makes plain (…) non-capturing in Ruby   → plain groups emitted as (?:…)
//   x*+ x++    possessive on one character             → x*(?!x); on anything else: unsupported
//   {,n}       Ruby's {0,n}                            → {0,n}
// What JS cannot express (atomic groups, \G, \K, \p{…}, extended mode, class intersection) is
// reported as unsupported with the reason, never silently approximated.
import { literalPiece, readCharClass, readCodeEscape, Unsupported, type Cursor, type Piece } from './regex-pieces.js';

export type TranslateResult =
  | { ok: true; regex: RegExp; source: string; flags: string }
  | { ok: false; reason: string };

/** Recog flag names (RegexpFactory::FLAG_MAP): all but REG_ICASE mean Ruby MULTILINE, i.e. dot matches newline. */
const RECOG_FLAGS: Record<string, 'i' | 'm'> = {
  REG_ICASE: 'i',
  REG_DOT_NEWLINE: 'm',
  REG_LINE_ANY_CRLF: 'm',
  REG_MULTILINE: 'm',
};

interface Scope {
  ci: boolean;
  dotall: boolean;
  /** Index in pieces where this group opened, for quantifiers after ')'. */
  start: number;
}

export function translateRubyRegex(pattern: string, recogFlags: readonly string[] = []): TranslateResult {
  try {
    return new Translator(pattern, recogFlags).run();
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
}

class Translator {
  private readonly cur: Cursor;
  private readonly pieces: Piece[] = [];
  private readonly scopes: Scope[];
  /** Ruby: once a pattern names a group, unnamed parentheses stop capturing. */
  private readonly namedMode: boolean;
  private lastAtom: { start: number; single: boolean } | null = null;

  constructor(p: string, flags: readonly string[]) {
    this.cur = { p, pos: 0 };
    let ci = false;
    let dotall = false;
    for (const f of flags) {
      const kind = RECOG_FLAGS[f.trim()];
      if (!kind) throw new Unsupported(`unknown Recog flag ${f}`);
      if (kind === 'i') ci = true;
      else dotall = true;
    }
    this.scopes = [{ ci, dotall, start: 0 }];
    this.namedMode = /(?<!\\)\(\?(?:<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.test(p);
  }

  private get scope(): Scope {
    return this.scopes[this.scopes.length - 1]!;
  }

  private push(piece: Piece, atom: 'single' | 'none' = 'none'): void {
    this.lastAtom = atom === 'single' ? { start: this.pieces.length, single: true } : null;
    this.pieces.push(piece);
  }

  private raw(text: string, atom: 'single' | 'none' = 'none'): void {
    this.push({ plain: text, folded: text, cased: 'none' }, atom);
  }

  run(): TranslateResult {
    const p = this.cur.p;
    while (this.cur.pos < p.length) {
      const c = p[this.cur.pos]!;
      if (c === '\\') this.escape();
      else if (c === '[') this.push(readCharClass(this.cur, this.scope.ci), 'single');
      else if (c === '(') this.groupOpen();
      else if (c === ')') this.groupClose();
      else if (c === '*' || c === '+' || c === '?') this.quantifier(c, 1);
      else if (c === '{' && /^\{(?:\d+(?:,\d*)?|,\d+)\}/.test(p.slice(this.cur.pos))) {
        const q = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(this.cur.pos))!;
        this.quantifier(`{${q[1] || '0'}${q[2]}${q[3]}}`, q[0].length);
      } else {
        this.cur.pos++;
        if (c === '|') this.raw('|');
        else if (c === '.') this.raw(this.scope.dotall ? '[\\s\\S]' : '[^\\n]', 'single');
        else if (c === '^') this.raw('(?<![^\\n])');
        else if (c === '$') this.raw('(?![^\\n])');
        else this.push(literalPiece(c, this.scope.ci), 'single');
      }
    }
    if (this.scopes.length !== 1) throw new Unsupported('unbalanced parenthesis');
    return this.finish();
  }

  private finish(): TranslateResult {
    const anyCi = this.pieces.some((x) => x.cased === 'insensitive');
    const anyCs = this.pieces.some((x) => x.cased === 'sensitive');
    let source: string;
    let flags = '';
    if (anyCi && !anyCs) {
      source = this.pieces.map((x) => x.plain).join('');
      flags = 'i';
    } else if (!anyCi) source = this.pieces.map((x) => x.plain).join('');
    else {
      if (this.pieces.some((x) => x.ciBackref)) throw new Unsupported('case-insensitive backreference inside a partly case-sensitive pattern');
      source = this.pieces.map((x) => (x.cased === 'insensitive' ? x.folded : x.plain)).join('');
    }
    try {
      return { ok: true, regex: new RegExp(source, flags), source, flags };
    } catch (err) {
      throw new Unsupported(`JavaScript rejects the translation: ${(err as Error).message}`);
    }
  }

  private quantifier(q: string, len: number): void {
    const atom = this.lastAtom;
    if (!atom) throw new Unsupported(`quantifier ${q} with nothing to repeat (or a nested quantifier)`);
    this.cur.pos += len;
    let text = q;
    const next = this.cur.p[this.cur.pos];
    if (next === '?') {
      text += '?';
      this.cur.pos++;
    }
    this.pieces.push({ plain: text, folded: text, cased: 'none' });
    if (next === '+') {
      // Possessive: never gives back. For one character repeated with * or +, "x*+" equals
      // "x*(?!x)"; anything else needs atomic groups, which JS lacks. ({n}+ is nesting in Ruby.)
      if (!atom.single || (q !== '*' && q !== '+')) throw new Unsupported(`possessive or nested quantifier ${q}+ (JS has no atomic groups)`);
      const a = this.pieces[atom.start]!;
      this.pieces.push({ plain: `(?!${a.plain})`, folded: `(?!${a.folded})`, cased: a.cased });
      this.cur.pos++;
    }
    this.lastAtom = null;
  }

  private groupOpen(): void {
    const rest = this.cur.p.slice(this.cur.pos);
    const sc = this.scope;
    const open = (text: string, scope: Partial<Scope> = {}) => {
      this.scopes.push({ ci: sc.ci, dotall: sc.dotall, ...scope, start: this.pieces.length });
      this.pieces.push({ plain: text, folded: text, cased: 'none' });
      this.lastAtom = null;
    };
    if (rest.startsWith('(?#')) {
      const end = this.cur.p.indexOf(')', this.cur.pos);
      if (end < 0) throw new Unsupported('unterminated comment group');
      this.cur.pos = end + 1;
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\((\?:|\?=|\?!|\?<=|\?<!)/.exec(rest))) {
      this.cur.pos += m[0].length;
      return open(m[0]);
    }
    if ((m = /^\(\?(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest))) {
      this.cur.pos += m[0].length;
      return open(`(?<${m[1] ?? m[2]}>`);
    }
    if ((m = /^\(\?([imx]*)(?:-([imx]*))?([:)])/.exec(rest))) {
      const on = m[1] ?? '';
      const off = m[2] ?? '';
      if (on.includes('x')) throw new Unsupported('extended mode (?x) is not translated');
      const ci = on.includes('i') ? true : off.includes('i') ? false : sc.ci;
      const dotall = on.includes('m') ? true : off.includes('m') ? false : sc.dotall;
      this.cur.pos += m[0].length;
      if (m[3] === ':') return open('(?:', { ci, dotall });
      // "(?i)" changes the flags for the rest of the enclosing group.
      sc.ci = ci;
      sc.dotall = dotall;
      return;
    }
    if (rest.startsWith('(?>')) throw new Unsupported('atomic group (?>…) (JS has no atomic groups)');
    if (rest.startsWith('(?~')) throw new Unsupported('absent operator (?~…)');
    if (rest.startsWith('(?(')) throw new Unsupported('conditional group (?(…)…)');
    if (rest.startsWith('(?')) throw new Unsupported(`unknown group syntax ${rest.slice(0, 4)}`);
    this.cur.pos++;
    open(this.namedMode ? '(?:' : '(');
  }

  private groupClose(): void {
    if (this.scopes.length === 1) throw new Unsupported('unbalanced parenthesis');
    const closed = this.scopes.pop()!;
    this.cur.pos++;
    this.pieces.push({ plain: ')', folded: ')', cased: 'none' });
    this.lastAtom = { start: closed.start, single: false };
  }

  private escape(): void {
    this.cur.pos++; // the backslash
    const e = this.cur.p[this.cur.pos];
    if (e === undefined) throw new Unsupported('trailing backslash');
    const code = readCodeEscape(this.cur);
    if (code !== undefined) return this.push(literalPiece(String.fromCharCode(code), this.scope.ci), 'single');
    this.cur.pos++;
    const anchors: Record<string, string> = { A: '(?<![\\s\\S])', z: '(?![\\s\\S])', Z: '(?=\\n?(?![\\s\\S]))', b: '\\b', B: '\\B' };
    const classes: Record<string, string> = {
      d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: '[\\t-\\r ]', S: '[^\\t-\\r ]', h: '[0-9a-fA-F]', H: '[^0-9a-fA-F]',
    };
    if (e in anchors) return this.raw(anchors[e]!);
    if (e in classes) return this.raw(classes[e]!, 'single');
    if (/[1-9]/.test(e)) {
      if (this.namedMode) throw new Unsupported('numbered backreference in a pattern with named groups');
      let digits = e;
      while (/\d/.test(this.cur.p[this.cur.pos] ?? '')) digits += this.cur.p[this.cur.pos++];
      const ref = '\\' + digits;
      return this.push({ plain: ref, folded: ref, cased: 'none', ciBackref: this.scope.ci }, 'single');
    }
    if (e === 'k') {
      const m = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(this.cur.p.slice(this.cur.pos));
      if (!m) throw new Unsupported('malformed \\k backreference');
      this.cur.pos += m[0].length;
      const ref = `\\k<${m[1] ?? m[2]}>`;
      return this.push({ plain: ref, folded: ref, cased: 'none', ciBackref: this.scope.ci }, 'single');
    }
    if (/[A-Za-z]/.test(e)) throw new Unsupported(`\\${e} has no JavaScript equivalent`);
    this.push(literalPiece(e, this.scope.ci), 'single');
  }
}
