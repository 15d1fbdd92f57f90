// The `sql` tagged template: query text written once for every engine. Interpolated values stay
// values (rendered as the dialect's parameter placeholders, bound by the driver), fragments nest,
// identifiers are quoted by the dialect. Nothing here concatenates a value into SQL text.
import type { Dialect } from './dialect.js';

/** A value bound as a query parameter. */
export type SqlValue = string | number | bigint | boolean | null | readonly string[];

/**
 * The neutral type of a bound value, where the engine needs to be told: an address (a 128-bit
 * number, core/ip), a time (epoch ms, UTC), a whole number, text, a list of text.
 */
export type ValueType = 'address' | 'time' | 'count' | 'text' | 'text[]';

/** One piece of a query: SQL text from the code, a bound value, or an identifier. */
export type Chunk =
  | { kind: 'text'; text: string }
  | { kind: 'value'; value: SqlValue; type?: ValueType }
  | { kind: 'ident'; name: string }
  | { kind: 'dialect'; render: (d: Dialect) => Sql };

/** A query or a fragment of one. Build it with `sql`, never from strings holding values. */
export class Sql {
  constructor(readonly chunks: readonly Chunk[]) {}

  /** The query for one engine: its text with placeholders, and the values in placeholder order. */
  render(dialect: Dialect): RenderedSql {
    const params: SqlValue[] = [];
    const types: (ValueType | undefined)[] = [];
    const text = this.renderInto(dialect, params, types);
    return { text, params, types };
  }

  private renderInto(dialect: Dialect, params: SqlValue[], types: (ValueType | undefined)[]): string {
    let out = '';
    for (const c of this.chunks) {
      if (c.kind === 'text') out += c.text;
      else if (c.kind === 'ident') out += dialect.quoteIdent(c.name);
      else if (c.kind === 'dialect') out += c.render(dialect).renderInto(dialect, params, types);
      else {
        params.push(c.value);
        types.push(c.type);
        out += dialect.placeholder(params.length, c.type, c.value);
      }
    }
    return out;
  }
}

export interface RenderedSql {
  text: string;
  params: SqlValue[];
  /** The neutral type of each parameter, where the query gave one. */
  types: (ValueType | undefined)[];
}

/** Something that can stand in a `sql` template: a fragment, a typed value, or a plain value. */
export type SqlPart = Sql | SqlValue;

/** Builds a query: each `${x}` is a bound value, or a fragment (another `sql`, `sql.ident`, ...). */
export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): Sql {
  const chunks: Chunk[] = [];
  strings.forEach((s, i) => {
    if (s) chunks.push({ kind: 'text', text: s });
    if (i < parts.length) chunks.push(...partChunks(parts[i]!));
  });
  return new Sql(chunks);
}

function partChunks(p: SqlPart): readonly Chunk[] {
  if (p instanceof Sql) return p.chunks;
  if (p === undefined) throw new TypeError('sql: undefined interpolated (use null for NULL)');
  return [{ kind: 'value', value: p }];
}

/** A table or column name, quoted by the dialect. */
sql.ident = (...names: string[]): Sql =>
  new Sql(names.flatMap((name, i): Chunk[] => (i === 0 ? [{ kind: 'ident', name }] : [{ kind: 'text', text: '.' }, { kind: 'ident', name }])));

/** A value with its neutral type, for engines that must be told (an address, a time in ms). */
sql.typed = (value: SqlValue, type: ValueType): Sql => new Sql([{ kind: 'value', value, type }]);

/** An address (core/ip's 128-bit number) as a bound value. */
sql.address = (ip: bigint): Sql => sql.typed(ip, 'address');

/** A time (epoch ms, UTC) as a bound value. */
sql.time = (ms: number): Sql => sql.typed(ms, 'time');

/**
 * SQL text written in the code itself (a keyword chosen from a fixed set, a column list declared
 * in the schema): never a value from input.
 */
sql.raw = (text: string): Sql => new Sql([{ kind: 'text', text }]);

/** Fragments joined by a separator (default ", "). */
sql.join = (parts: readonly SqlPart[], separator: Sql = sql.raw(', ')): Sql =>
  new Sql(parts.flatMap((p, i) => (i === 0 ? partChunks(p) : [...separator.chunks, ...partChunks(p)])));

/** A parenthesised list of bound values, for `IN`: `(NULL)` when empty, which matches nothing. */
sql.list = (values: readonly SqlPart[]): Sql => (values.length === 0 ? sql.raw('(NULL)') : sql`(${sql.join(values)})`);

/** A fragment the dialect writes (see dialect.ts): the query stays engine-neutral. */
sql.dialect = (render: (d: Dialect) => Sql): Sql => new Sql([{ kind: 'dialect', render }]);

/** The empty fragment, for optional clauses. */
sql.empty = new Sql([]);
