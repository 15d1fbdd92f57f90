// Literals and result decoding without a server: the one escaping function keeps every hostile
// string inside its quotes, numbers are checked, addresses and times are exact both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from '../sql.js';
import { HOSTILE } from '../conformance/driver.js';
import { decodeRows, timeMs } from './decode.js';
import { chDialect } from './dialect.js';
import { encodeField } from './encode.js';
import { addressBytes, addressField, addressFromBytes, addressLiteral, escapeText, literal, numberLiteral, stringLiteral, timeLiteral, timeText } from './literal.js';

/** Reads a quoted literal back the way ClickHouse's lexer does: its end is the first unescaped quote. */
function readLiteral(text: string): { value: string; rest: string } {
  assert.equal(text[0], "'");
  const un: Record<string, string> = { '0': '\0', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' };
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') out += un[text[++i]!] ?? text[i];
    else if (ch === "'") return { value: out, rest: text.slice(i + 1) };
    else out += ch;
  }
  throw new Error('unterminated literal');
}

test('a hostile string stays one literal and reads back unchanged', () => {
  for (const h of HOSTILE) {
    const lit = stringLiteral(h);
    const { value, rest } = readLiteral(lit);
    assert.equal(value, h);
    assert.equal(rest, '', `nothing after the literal of ${JSON.stringify(h)}`);
    assert.ok(!/[\n\r\t\0]/.test(lit), 'control characters are escaped');
  }
});

test('values render as literals in the query text, in order', () => {
  const r = sql`SELECT * FROM t WHERE a = ${"x'; DROP TABLE t; --"} AND b = ${3} AND c = ${null} AND d IN ${sql.list(['p', 'q'])}`.render(chDialect);
  assert.equal(r.text, "SELECT * FROM t WHERE a = 'x\\'; DROP TABLE t; --' AND b = 3 AND c = NULL AND d IN ('p', 'q')");
  assert.equal(sql`${sql.ident('we`ird')}`.render(chDialect).text, '`we\\`ird`');
});

test('numbers are checked: no NaN, no Infinity, no strings posing as numbers; negatives parenthesised', () => {
  for (const bad of [NaN, Infinity, -Infinity]) assert.throws(() => numberLiteral(bad), /finite/);
  assert.throws(() => numberLiteral('1; DROP' as unknown as number), /finite/);
  assert.equal(numberLiteral(-5), '(-5)');
  assert.equal(numberLiteral(2 ** 53 - 1), '9007199254740991');
  assert.equal(numberLiteral(1e21), '1e+21');
  assert.equal(numberLiteral(-(2n ** 63n)), '(-9223372036854775808)');
  assert.equal(literal(true, undefined), '1');
  assert.equal(literal(['a', "b'"], undefined), "['a', 'b\\'']");
});

test('addresses: 16 bytes big-endian, range-checked, exact both ways', () => {
  for (const ip of [0n, 1n, 0xffffc0000201n, 2n ** 127n + 5n, 2n ** 128n - 1n]) {
    assert.equal(addressFromBytes(addressBytes(ip)), ip);
    assert.equal(addressBytes(ip).length, 16);
  }
  assert.throws(() => addressBytes(-1n), /128-bit/);
  assert.throws(() => addressBytes(2n ** 128n), /128-bit/);
  assert.throws(() => addressLiteral(5 as unknown as bigint), /128-bit/);
  assert.equal(addressLiteral(0xffffc0000201n), "toFixedString(unhex('00000000000000000000ffffc0000201'), 16)");
});

test('times: exact milliseconds, both signs', () => {
  for (const ms of [0, 1, 999, 1000, Date.UTC(2026, 4, 6, 23, 59, 59, 999), -1, -1001]) assert.equal(timeMs(timeText(ms)), ms);
  assert.equal(timeLiteral(1_778_000_000_123), "toDecimal64('1778000000.123', 3)");
  assert.equal(timeMs('1778000000'), 1_778_000_000_000);
  assert.equal(timeMs('1778000000.1'), 1_778_000_000_100);
});

test('escapeText escapes exactly the characters that need it and keeps the rest', () => {
  assert.equal(escapeText("\0A'\\\t\né\r\b\f☃"), "\\0A\\'\\\\\\t\\né\\r\\b\\f☃");
  assert.equal(addressField(0xffffc6336405n), '\\x00'.repeat(10) + '\\xff\\xff\\xc6\\x33\\x64\\x05');
});

test('load fields: checked numbers, escaped text, lists, missing values', () => {
  const col = (type: string) => ({ name: 'x', type }) as never;
  assert.throws(() => encodeField(col('int64'), NaN), /finite/);
  assert.throws(() => encodeField(col('float64'), Infinity), /finite/);
  assert.throws(() => encodeField(col('int32'), '7\t8'), /finite/);
  assert.equal(encodeField(col('text'), 'a\tb\nc'), 'a\\tb\\nc');
  assert.equal(encodeField(col('text[]'), ["x'y", 'z\t']), "['x\\'y','z\\t']");
  assert.equal(encodeField(col('text[]'), null), '[]');
  assert.equal(encodeField(col('text'), null), '\\N');
  assert.equal(encodeField(col('time'), 1_778_000_000_123), '1778000000.123');
});

test('result rows: addresses from raw bytes, times, 64-bit integers, arrays, NULL; the batch column left out', () => {
  // The server writes a FixedString's raw bytes, with NUL, tab, newline, quote and backslash escaped.
  const raw = addressBytes(0xffffc6336405n);
  const addr = Buffer.from([...raw].flatMap((b) => (b === 0 ? [0x5c, 0x30] : [b])));
  const body = Buffer.concat([
    Buffer.from('a\tt\tn\tl\ts\tz\t_batch\nFixedString(16)\tDecimal(18, 3)\tUInt64\tArray(String)\tNullable(String)\tInt32\tUInt32\n'),
    addr,
    Buffer.from("\t1778000000.123\t18446744073709551615\t['a\\'b','c\\\\d\\td']\t\\N\t-7\t3\n"),
  ]);
  const rows = decodeRows<Record<string, unknown>>(body);
  assert.deepEqual(rows, [{ a: 0xffffc6336405n, t: new Date(1_778_000_000_123), n: 2n ** 64n - 1n, l: ["a'b", 'c\\d\td'], s: null, z: -7 }]);
});
