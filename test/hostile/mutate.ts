// Mutations of a seed file, as fast-check arbitraries: the ways files arrive broken (truncated,
// bit-flipped, invalid UTF-8, NUL bytes, CRLF, a BOM, empty, header only, a huge line, gzipped or a
// corrupt gzip). Each mutation is a small named value, so that fast-check can shrink a failing
// one to the least that still fails.
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';

export type Mutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'crlf' }
  | { kind: 'bom' }
  | { kind: 'empty' }
  | { kind: 'header-only' }
  | { kind: 'huge-line'; at: number; length: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'gzip' }
  | { kind: 'corrupt-gzip'; at: number }
  | { kind: 'splice'; at: number; length: number; text: string };

/** Bytes that break text: invalid UTF-8 sequences, NUL, lone CR, escapes, a bidi override, quotes and separators. */
const NASTY: number[][] = [[0x00], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x0d], [0x1b, 0x5b, 0x32, 0x4a], [0xe2, 0x80, 0xae], [0x22], [0x2c], [0x09], [0x0a], [0x7b], [0x5d], [0xef, 0xbb, 0xbf]];

/** A position as a fraction of the file, so that it stays meaningful while fast-check shrinks. */
const at = fc.double({ min: 0, max: 1, noNaN: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'none' }),
  at.map((a): Mutation => ({ kind: 'truncate', at: a })),
  fc.tuple(at, fc.integer({ min: 0, max: 7 })).map(([a, bit]): Mutation => ({ kind: 'flip', at: a, bit })),
  fc.tuple(at, fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 4 })).map(([a, b]): Mutation => ({ kind: 'insert', at: a, bytes: b.flat() })),
  fc.tuple(at, fc.integer({ min: 1, max: 64 })).map(([a, length]): Mutation => ({ kind: 'delete', at: a, length })),
  fc.constant<Mutation>({ kind: 'crlf' }),
  fc.constant<Mutation>({ kind: 'bom' }),
  fc.constant<Mutation>({ kind: 'empty' }),
  fc.constant<Mutation>({ kind: 'header-only' }),
  fc.tuple(at, fc.integer({ min: (1 << 20) + 1, max: 3 << 20 })).map(([a, length]): Mutation => ({ kind: 'huge-line', at: a, length })),
  at.map((a): Mutation => ({ kind: 'duplicate-line', at: a })),
  fc.constant<Mutation>({ kind: 'gzip' }),
  at.map((a): Mutation => ({ kind: 'corrupt-gzip', at: a })),
  // A stretch replaced by any text: values of the wrong kind, numbers out of range, stray quotes and separators.
  fc
    .tuple(at, fc.integer({ min: 0, max: 24 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom('-1', '1e400', '99999999999999999999', 'null', '{}', '[]', '""', '"', 'NaN', '0x', '::', '/33', '256.1.1.1', '9999-99-99T99:99:99Z')))
    .map(([a, length, text]): Mutation => ({ kind: 'splice', at: a, length, text })),
);

/** One or a few mutations applied in turn. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

const pos = (b: Buffer, a: number) => Math.min(b.length, Math.floor(a * b.length));

/** Start of the line that holds byte `i`. */
function lineStart(b: Buffer, i: number): number {
  const nl = b.lastIndexOf(10, i - 1);
  return nl < 0 ? 0 : nl + 1;
}

export function applyMutation(b: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'none':
      return b;
    case 'truncate':
      return b.subarray(0, pos(b, m.at));
    case 'flip': {
      if (!b.length) return b;
      const out = Buffer.from(b);
      const i = Math.min(b.length - 1, pos(b, m.at));
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case 'insert': {
      const i = pos(b, m.at);
      return Buffer.concat([b.subarray(0, i), Buffer.from(m.bytes), b.subarray(i)]);
    }
    case 'delete': {
      const i = pos(b, m.at);
      return Buffer.concat([b.subarray(0, i), b.subarray(i + m.length)]);
    }
    case 'crlf':
      return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
    case 'empty':
      return Buffer.alloc(0);
    case 'header-only': {
      const nl = b.indexOf(10);
      return nl < 0 ? b : b.subarray(0, nl + 1);
    }
    case 'huge-line': {
      const i = lineStart(b, pos(b, m.at));
      return Buffer.concat([b.subarray(0, i), Buffer.alloc(m.length, 0x41), Buffer.from('\n'), b.subarray(i)]);
    }
    case 'duplicate-line': {
      const i = lineStart(b, pos(b, m.at));
      const end = b.indexOf(10, i);
      const line = b.subarray(i, end < 0 ? b.length : end + 1);
      return Buffer.concat([b.subarray(0, i), line, end < 0 ? Buffer.from('\n') : Buffer.alloc(0), b.subarray(i)]);
    }
    case 'gzip':
      return gzipSync(b);
    case 'splice': {
      const i = pos(b, m.at);
      return Buffer.concat([b.subarray(0, i), Buffer.from(m.text), b.subarray(i + m.length)]);
    }
    case 'corrupt-gzip': {
      const z = gzipSync(b);
      return z.subarray(0, Math.max(2, pos(z, m.at)));
    }
  }
}

export function applyMutations(b: Buffer, ms: Mutation[]): Buffer {
  return ms.reduce(applyMutation, b);
}

/** A mutation list as a short text, for reports ("huge-line@0.31+crlf"). */
export function describeMutations(ms: Mutation[]): string {
  return ms.map((m) => ('at' in m ? `${m.kind}@${m.at.toFixed(3)}` : m.kind)).join('+');
}
