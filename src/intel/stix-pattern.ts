// A parser for the STIX 2.1 patterning language: pattern text to a small tree, keeping each part's text.

export type Literal = string | number | boolean;

export interface Comparison {
  kind: 'cmp';
  /** Canonical path: lower-case, quotes dropped, hash names without '-'/'_' ("x509-certificate:hashes.sha256"). */
  path: string;
  /** "=", "!=", "<", "IN", "LIKE", "MATCHES", "ISSUBSET", "EXISTS", … */
  op: string;
  negated: boolean;
  values: Literal[];
  text: string;
}
export type CmpExpr = Comparison | { kind: 'and' | 'or'; items: CmpExpr[]; text: string };

export type Qualifier = { kind: 'start'; start: string; stop: string; text: string } | { kind: 'within' | 'repeats'; text: string };
export type ObsExpr =
  | { kind: 'obs'; expr: CmpExpr; qualifiers: Qualifier[]; text: string }
  | { kind: 'or' | 'and' | 'followedby'; items: ObsExpr[]; qualifiers: Qualifier[]; text: string };

interface Token {
  t: 'punct' | 'op' | 'word' | 'str' | 'num' | 'ts' | 'bin' | 'path';
  v: string;
  start: number;
  end: number;
}

const PATH_RE = /[a-z0-9_-]+:(?:[a-z0-9_-]+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[(?:\d+|\*)\]|\.)+/iy;
const STR_RE = /([thb]?)'((?:[^'\\]|\\.)*)'/iy;
const NUM_RE = /-?\d+(?:\.\d+)?/y;
const WORD_RE = /[a-z_]+/iy;
const OP_RE = /==|!=|<>|<=|>=|=|<|>/y;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const at = (re: RegExp) => ((re.lastIndex = i), re.exec(src));
  while (i < src.length) {
    if (/\s/.test(src[i]!)) {
      i++;
      continue;
    }
    let m: RegExpExecArray | null;
    const start = i;
    if ('[]()'.includes(src[i]!) || src[i] === ',') out.push({ t: 'punct', v: src[i]!, start, end: ++i });
    else if ((m = at(PATH_RE))) out.push({ t: 'path', v: canonicalPath(m[0]), start, end: (i += m[0].length) });
    else if ((m = at(STR_RE))) {
      const kind = m[1]!.toLowerCase();
      const v = m[2]!.replace(/\\(.)/g, '$1');
      out.push({ t: kind === 't' ? 'ts' : kind ? 'bin' : 'str', v, start, end: (i += m[0].length) });
    } else if ((m = at(NUM_RE))) out.push({ t: 'num', v: m[0], start, end: (i += m[0].length) });
    else if ((m = at(OP_RE))) out.push({ t: 'op', v: m[0], start, end: (i += m[0].length) });
    else if ((m = at(WORD_RE))) out.push({ t: 'word', v: m[0].toUpperCase(), start, end: (i += m[0].length) });
    else throw new Error(`unexpected character ${JSON.stringify(src[i])} at ${i}`);
  }
  return out;
}

function canonicalPath(raw: string): string {
  const colon = raw.indexOf(':');
  const segs = raw.slice(colon + 1).match(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^.'"[]+/g) ?? [];
  const parts = segs.map((s) => s.replace(/^['"]|['"]$/g, '').toLowerCase());
  const h = parts.indexOf('hashes');
  if (h >= 0 && parts[h + 1]) parts[h + 1] = parts[h + 1]!.replace(/[-_\s]/g, '');
  return raw.slice(0, colon).toLowerCase() + ':' + parts.join('.').replace(/\.\[/g, '[');
}

/** Parses a pattern; throws Error with a message for text that is not STIX patterning. */
export function parsePattern(src: string): ObsExpr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isWord = (w: string) => peek()?.t === 'word' && peek()!.v === w;
  const expect = (v: string) => {
    const tok = toks[p];
    if (!tok || tok.v !== v) throw new Error(`expected ${v} ${tok ? `at ${tok.start}` : 'at end'}`);
    p++;
    return tok;
  };
  const textOf = (from: number, to: number) => src.slice(toks[from]!.start, toks[to - 1]!.end);

  function binary<T extends { text: string }>(op: string, next: () => T, make: (items: T[], text: string) => T): T {
    const from = p;
    const first = next();
    const items = [first];
    while (isWord(op)) {
      p++;
      items.push(next());
    }
    return items.length === 1 ? first : make(items, textOf(from, p));
  }
  const obsMake = (kind: 'or' | 'and' | 'followedby') => (items: ObsExpr[], text: string): ObsExpr => ({ kind, items, qualifiers: [], text });
  const cmpMake = (kind: 'or' | 'and') => (items: CmpExpr[], text: string): CmpExpr => ({ kind, items, text });

  const obsFollowed = (): ObsExpr => binary('FOLLOWEDBY', obsOr, obsMake('followedby'));
  const obsOr = (): ObsExpr => binary('OR', obsAnd, obsMake('or'));
  const obsAnd = (): ObsExpr => binary('AND', observation, obsMake('and'));
  function observation(): ObsExpr {
    const from = p;
    let node: ObsExpr;
    if (peek()?.v === '[') {
      p++;
      const expr = cmpOr();
      expect(']');
      node = { kind: 'obs', expr, qualifiers: [], text: textOf(from, p) };
    } else {
      expect('(');
      node = obsFollowed();
      expect(')');
    }
    for (;;) {
      const qFrom = p;
      if (isWord('START')) {
        p++;
        const start = literal().toString();
        if (!isWord('STOP')) throw new Error('START without STOP');
        p++;
        node.qualifiers.push({ kind: 'start', start, stop: literal().toString(), text: textOf(qFrom, p) });
      } else if (isWord('WITHIN') || isWord('REPEATS')) {
        const kind = isWord('WITHIN') ? 'within' : 'repeats';
        p += 3; // WITHIN n SECONDS / REPEATS n TIMES
        node.qualifiers.push({ kind, text: textOf(qFrom, p) });
      } else break;
    }
    return node;
  }
  const cmpOr = (): CmpExpr => binary('OR', cmpAnd, cmpMake('or'));
  const cmpAnd = (): CmpExpr => binary('AND', comparison, cmpMake('and'));
  function comparison(): CmpExpr {
    const from = p;
    if (peek()?.v === '(') {
      p++;
      const e = cmpOr();
      expect(')');
      return e;
    }
    if (isWord('EXISTS')) {
      p++;
      const path = toks[p++];
      if (path?.t !== 'path') throw new Error('EXISTS without an object path');
      return { kind: 'cmp', path: path.v, op: 'EXISTS', negated: false, values: [], text: textOf(from, p) };
    }
    const path = toks[p++];
    if (path?.t !== 'path') throw new Error(`expected an object path ${path ? `at ${path.start}` : 'at end'}`);
    let negated = false;
    if (isWord('NOT')) {
      negated = true;
      p++;
    }
    const opTok = toks[p++];
    if (!opTok || (opTok.t !== 'op' && opTok.t !== 'word')) throw new Error(`expected an operator after ${path.v}`);
    const op = opTok.v === '==' ? '=' : opTok.v === '<>' ? '!=' : opTok.v;
    const values: Literal[] = [];
    if (op === 'IN') {
      expect('(');
      values.push(literal());
      while (peek()?.v === ',') {
        p++;
        values.push(literal());
      }
      expect(')');
    } else values.push(literal());
    return { kind: 'cmp', path: path.v, op, negated, values, text: textOf(from, p) };
  }
  function literal(): Literal {
    const tok = toks[p++];
    if (!tok) throw new Error('expected a value at end');
    if (tok.t === 'str' || tok.t === 'ts' || tok.t === 'bin') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'word' && (tok.v === 'TRUE' || tok.v === 'FALSE')) return tok.v === 'TRUE';
    throw new Error(`expected a value at ${tok.start}`);
  }

  if (toks.length === 0) throw new Error('empty pattern');
  const tree = obsFollowed();
  if (p < toks.length) throw new Error(`unexpected ${JSON.stringify(toks[p]!.v)} at ${toks[p]!.start}`);
  return tree;
}

/** A comparison expression as OR of AND-groups; undefined past `limit` groups. */
export function toConjuncts(e: CmpExpr, limit = 256): Comparison[][] | undefined {
  if (e.kind === 'cmp') return [[e]];
  const parts = e.items.map((i) => toConjuncts(i, limit));
  if (parts.some((x) => x === undefined)) return undefined;
  if (e.kind === 'or') {
    const all = parts.flat() as Comparison[][];
    return all.length > limit ? undefined : all;
  }
  let acc: Comparison[][] = [[]];
  for (const alts of parts as Comparison[][][]) {
    acc = acc.flatMap((a) => alts.map((b) => [...a, ...b]));
    if (acc.length > limit) return undefined;
  }
  return acc;
}
