// The sql template renders values as placeholders only: whatever a value holds, the query text is
// the code's text. Rendered with DuckDB's dialect here; the driver test runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from './sql.js';
import { duckDialect } from './duckdb/dialect.js';

const HOSTILE = [`'; DROP TABLE imports; --`, `" OR 1=1 --`, `$1`, `?`, `\\'`, `a'b"c`, `{p1:String}`, `\u0000`, `é☃`];

test('values become placeholders, never text, and keep their order', () => {
  for (const h of HOSTILE) {
    const r = sql`SELECT * FROM t WHERE a = ${h} AND b = ${3} AND c = ${null}`.render(duckDialect);
    assert.equal(r.text, 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3');
    assert.deepEqual(r.params, [h, 3, null]);
  }
});

test('fragments nest, and their values are numbered in order of appearance', () => {
  const where = sql`x > ${10} AND y = ${'a'}`;
  const r = sql`SELECT ${'s'} FROM t WHERE ${where} AND z IN ${sql.list([1, 2])} LIMIT ${5}`.render(duckDialect);
  assert.equal(r.text, 'SELECT $1 FROM t WHERE x > $2 AND y = $3 AND z IN ($4, $5) LIMIT $6');
  assert.deepEqual(r.params, ['s', 10, 'a', 1, 2, 5]);
  assert.equal(sql`a IN ${sql.list([])}`.render(duckDialect).text, 'a IN (NULL)');
  assert.equal(sql`SELECT 1${sql.empty}`.render(duckDialect).text, 'SELECT 1');
});

test('identifiers are quoted, a quote inside doubled', () => {
  const r = sql`SELECT ${sql.ident('t', 'we"ird')} FROM ${sql.ident('x"; DROP TABLE y; --')}`.render(duckDialect);
  assert.equal(r.text, 'SELECT "t"."we""ird" FROM "x""; DROP TABLE y; --"');
  assert.deepEqual(r.params, []);
});

test('typed values carry their neutral type to the dialect', () => {
  const r = sql`SELECT ${sql.address(5n)}, ${sql.time(0)}, ${['a', 'b']}`.render(duckDialect);
  assert.equal(r.text, 'SELECT $1::UHUGEINT, $2::TIMESTAMP, $3');
  assert.deepEqual(r.types, ['address', 'time', undefined]);
});

test('dialect fragments render inside the query, values still bound', () => {
  const r = sql`SELECT ${sql.dialect((d) => d.argMax(sql.ident('a'), sql`${'x'}`))}`.render(duckDialect);
  assert.equal(r.text, 'SELECT arg_max("a", $1)');
  assert.deepEqual(r.params, ['x']);
});

test('undefined is refused (null is NULL)', () => {
  assert.throws(() => sql`SELECT ${undefined as unknown as null}`, /undefined/);
});
