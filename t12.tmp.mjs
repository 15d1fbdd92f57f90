import { DuckDBInstance } from '@duckdb/node-api';
import { createMacros } from './dist/src/store/duckdb/macros.js';
const file = process.argv[2];
const mem = process.argv[3];
const db = await DuckDBInstance.create('/tmp/t12.duckdb', { memory_limit: mem });
const c = await db.connect();
await createMacros({ run: (s) => c.run(s) });
const q = async (label, s) => { await c.run(`create or replace table f(line BIGINT, ts TIMESTAMP, src UHUGEINT, dst UHUGEINT, sport USMALLINT, dport USMALLINT, proto VARCHAR, bytes UBIGINT, packets UBIGINT)`); const t=performance.now(); await c.run(s); console.log(mem, label, (performance.now()-t).toFixed(0)+'ms'); };
const f = `read_csv('${file}', header=true, all_varchar=true)`;
const sel = (src, dst, from, line='line') => `SELECT ${line}, TRY_CAST(firstSeen AS TIMESTAMP), ${src}, ${dst}, TRY_CAST(srcPort AS USMALLINT), TRY_CAST(dstPort AS USMALLINT), lower(proto), TRY_CAST(bytes AS UBIGINT), TRY_CAST(packets AS UBIGINT) FROM ${from}`;
await q('A materialized+map', `insert into f WITH raw AS MATERIALIZED (SELECT row_number() OVER () + 1 AS line, * FROM ${f}),
  addr AS (SELECT a, ip_num(a) n FROM (SELECT srcAddr a FROM raw UNION SELECT dstAddr FROM raw))
  ${sel('s.n', 'd.n', 'raw JOIN addr s ON s.a = raw.srcAddr JOIN addr d ON d.a = raw.dstAddr')}`);
await q('B two reads + map', `insert into f WITH addr AS (SELECT a, ip_num(a) n FROM (SELECT srcAddr a FROM ${f} UNION SELECT dstAddr FROM ${f})),
  raw AS (SELECT row_number() OVER () + 1 AS line, * FROM ${f})
  ${sel('s.n', 'd.n', 'raw JOIN addr s ON s.a = raw.srcAddr JOIN addr d ON d.a = raw.dstAddr')}`);
await q('D direct rownum', `insert into f ${sel('ip_num(srcAddr)', 'ip_num(dstAddr)', `(SELECT row_number() OVER () + 1 AS line, * FROM ${f})`)}`);
c.closeSync(); db.closeSync();
