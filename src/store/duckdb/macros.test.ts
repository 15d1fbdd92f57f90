import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, parseIp } from '../../core/ip.js';
import { openTestStore } from '../../../test/store.js';
import { addressFromParts, addressParts } from './macros.js';
import { addressNumberOf } from '../../telemetry/prefilter/flow-prefilter-scan.js';

// The flow fast path converts addresses in SQL and hands the file to the line reader when any
// address does not convert. So the SQL must never take what parseIp refuses, and where both
// take an address they must agree. It may refuse more (zones, brackets, padding): the line
// reader then takes the file.
const INPUTS = [
  '192.0.2.1', '0.0.0.0', '255.255.255.255', '198.51.100.0', '203.0.113.10', '10.0.0.1',
  '01.2.3.4', '1.2.3.04', '1.00.3.4', '1e2.1.1.1', '+1.2.3.4', '-1.2.3.4', ' 192.0.2.1', '192.0.2.1 ',
  '1.2.3.256', '1..2.3', '1.2.3.', '.1.2.3', '1.2.3.4.5', '1.2.3', '', 'a.b.c.d', '1.2.3.0x1', '1_0.2.3.4',
  '1E2.1.1.1', '2e2.1.1.1', '1.2.3.1e1', '0x1.2.3.4', '1.2.3.4 ', '0.0.0.00', '1.2.3.0255', '1.2.3.1 ', '١.2.3.4', '1.2.3.４',
  '2001:db8::1', '::', '::1', '2001:DB8:0:0:0:0:0:1', '1:2:3:4:5:6:7:8', '2001:db8::g', '2001:db8:::1',
  '1:2:3:4:5:6:7:8:9', '12345::1', '2001:db8::192.0.2.1', 'fe80::1%eth0', '[2001:db8::5]',
  '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', 'abcd:EF01:2345:6789:abcd:ef01:2345:6789', '1:2:3:4:5:6:7::8', '::1:2:3:4:5:6:7:8',
  ':1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:', '1::2::3', ':::1', '1:::2', '00000::1', ' ::1', '::1 ', '+1::2', '::ffff:1.2.3.4', ':', ':1',
  '1:2:3:4:5:6:7:1.2', '::1.2', '::g', '1:2:3:4:5:6:7:-1',
];

test('SQL address conversion never takes what parseIp refuses, and agrees where both take it', async () => {
  const store = await openTestStore();
  // Literals, not parameters: the store's parameters are scalars.
  const list = INPUTS.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
  const rows = await store.db.all<{ a: string; n: bigint | null }>(
    `SELECT a, ${addressFromParts('a', 'p')} AS n FROM (${addressParts(`SELECT a FROM unnest([${list}]) t(a)`, 'a', 'p')})`,
  );
  assert.equal(rows.length, INPUTS.length);
  let taken = 0;
  for (const { a, n } of rows) {
    const js = parseIp(a);
    if (n === null) continue;
    taken++;
    assert.notEqual(js, null, `SQL took ${JSON.stringify(a)}, which parseIp refuses`);
    assert.equal(BigInt(n), js, `SQL and parseIp disagree on ${JSON.stringify(a)}`);
  }
  // Every plain address is taken: the fast path is not refusing everything.
  assert.equal(taken, 14);
  await store.close();
});

test("the prefilter scan's address numbers are the SQL conversion's: the same texts taken, the same values", async () => {
  // The scan hands DuckDB the addresses it could read (addressNumberOf) and SQL converts the
  // rest; a line must come out the same either way. Here SQL sees no number, so it parses each.
  const store = await openTestStore();
  const list = INPUTS.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
  const rows = await store.db.all<{ a: string; n: bigint | null }>(
    `SELECT a, ${addressFromParts('a', 'p')} AS n FROM (${addressParts(`SELECT a FROM unnest([${list}]) t(a)`, 'a', 'p')})`,
  );
  let taken = 0;
  for (const { a, n } of rows) {
    for (const text of [`x,${a},y`, `x,${a}`]) {
      const bytes = Buffer.from(`junk${text}junk`, 'latin1');
      const scan = addressNumberOf(bytes, 4, bytes.length - 4, 1);
      // The scan may leave to SQL what it takes too, never take what SQL refuses, nor disagree.
      if (scan === '') continue;
      assert.notEqual(n, null, `the scan took ${JSON.stringify(a)}, which SQL refuses`);
      assert.equal(scan, String(n), `the scan and SQL disagree on ${JSON.stringify(a)}`);
      taken++;
    }
  }
  // It takes every plain address SQL takes (both as the middle field and the last).
  assert.equal(taken, 2 * 14);
  await store.close();
});

test('ip_text writes every address as formatIp does (IPv6 zero-compressed as RFC 5952 says)', async () => {
  const store = await openTestStore();
  const texts = [
    '192.0.2.1', '0.0.0.0', '2001:db8::5', '::', '::1', '1::', '2001:db8:0:0:1:0:0:1', '2001:0:0:1:0:0:0:1', '1:2:3:4:5:6:7:8',
    '1:0:3:4:5:6:7:8', '0:0:1:0:0:0:0:0', 'fe80::1:0:0:1', 'abcd:ef01::', '2001:db8:10:100::1000', '1:0:0:2:0:0:3:4', '::ffff:0:1',
  ];
  const values = texts.map((t) => parseIp(t)!);
  const rows = await store.db.all<{ i: number; t: string }>(
    `SELECT i, ip_text(n::UHUGEINT) AS t FROM (VALUES ${values.map((v, i) => `(${i}, '${v}')`).join(', ')}) v(i, n)`,
  );
  assert.equal(rows.length, texts.length);
  for (const r of rows) assert.equal(r.t, formatIp(values[r.i]!), `ip_text of ${texts[r.i]}`);
  await store.close();
});
