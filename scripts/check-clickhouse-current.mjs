// Runs the statements the ClickHouse tests sent to Debian's 18.16 again on a current ClickHouse
// (chdb, which embeds one in-process), and compares each query's answer with the one 18.16 gave.
//   BOTCENSUS_CLICKHOUSE_LOG=/tmp/ch.log node --test dist/src/store/clickhouse/*.test.js
//   npm install --no-save chdb && node scripts/check-clickhouse-current.mjs /tmp/ch.log
// ($BOTCENSUS_CHDB: chdb's module file, when it is installed elsewhere.)
// Stores opened on a cluster are left out (chdb is one process, with no remote servers).
// Exits non-zero when a statement fails on the current release or answers differently.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { decodeRows } from '../dist/src/store/clickhouse/decode.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/check-clickhouse-current.mjs STATEMENT_LOG');
  process.exit(2);
}
let chdb;
try {
  chdb = await import(process.env.BOTCENSUS_CHDB ?? 'chdb');
} catch {
  console.error('chdb is not installed: npm install --no-save chdb');
  process.exit(2);
}
/** The log's statements, read line by line (the log outgrows a string: the range data's loads). */
async function* statements() {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line) yield JSON.parse(line);
}
// A first pass finds the databases of cluster stores.
const clusterDbs = new Set();
for await (const l of statements()) {
  if (/ENGINE = Distributed\(/.test(l.sql)) clusterDbs.add(l.db);
  const m = /CREATE TABLE IF NOT EXISTS `([^`]+)`\.`[^`]+` .*ENGINE = Distributed/.exec(l.sql);
  if (m) clusterDbs.add(m[1]);
}
/** Answers that depend on timing, randomness or the server itself, not on the SQL. */
const UNSTABLE = /system\.|_batches|_id_claims|version\(\)|\/\* claim \*\//;

/** A TabSeparated load as ASCII: bytes above 0x7f as \xHH escapes (a query's text is UTF-8). */
function asciiTsv(b) {
  let out = '';
  for (const x of b) out += x < 0x80 ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`;
  return out;
}

const rowKey = (r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
const dir = mkdtempSync(join(tmpdir(), 'botcensus-chdb-'));
const session = new chdb.Session(dir);
let db = '';
let ran = 0;
let compared = 0;
let skipped = 0;
const failures = [];
try {
  for await (const l of statements()) {
    if (clusterDbs.has(l.db) || (l.db === 'default' && /system\.clusters/.test(l.sql))) {
      skipped++;
      continue;
    }
    if (l.db !== db) {
      await session.queryAsync(`USE \`${l.db}\``);
      db = l.db;
    }
    try {
      if (l.failed) {
        // A catalog query that failed on 18.16 failed for the server it was sent to (a test's
        // unreachable or missing database), not for its SQL.
        if (UNSTABLE.test(l.sql)) continue;
        const failedNow = await session.queryAsync(l.sql).then(() => false, () => true);
        if (!failedNow) failures.push(`failed on 18.16 but ran on the current release: ${l.sql.slice(0, 200)}`);
        ran++;
        continue;
      }
      if (l.kind === 'insert') await session.queryAsync(`${l.sql}\n${asciiTsv(Buffer.from(l.data, 'base64'))}`);
      else if (l.kind === 'run') await session.queryAsync(l.sql);
      else {
        const r = await session.queryAsync(l.sql, { format: 'TabSeparatedWithNamesAndTypes' });
        if (!UNSTABLE.test(l.sql)) {
          const now = decodeRows(Buffer.from(r.bytes())).map(rowKey).sort();
          const then = decodeRows(Buffer.from(l.result, 'base64')).map(rowKey).sort();
          compared++;
          if (!isDeepStrictEqual(now, then)) failures.push(`different answer: ${l.sql.slice(0, 200)}\n  18.16:   ${then.slice(0, 3).join(' ')}\n  current: ${now.slice(0, 3).join(' ')}`);
        }
      }
      ran++;
    } catch (e) {
      failures.push(`failed: ${l.sql.slice(0, 200)}\n  ${String(e.message ?? e).split('\n')[0]}`);
    }
  }
} finally {
  session.close();
  rmSync(dir, { recursive: true, force: true });
}
const version = chdb.query('SELECT version()', 'TSV').trim();
console.log(`ClickHouse ${version} (chdb): ${ran} statements ran, ${compared} answers compared with 18.16, ${skipped} cluster statements left out, ${failures.length} problems`);
for (const f of failures.slice(0, 40)) console.log(f);
process.exit(failures.length ? 1 : 0);
