// The fast paths are a capability of the engine (Store.files): a store without it reads the same
// files line by line and answers alike; a Parquet file, which only DuckDB reads, is converted by
// an embedded DuckDB and answers alike too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { importIntelFile } from '../intel/import.js';
import type { Store } from '../store/store.js';
import { ingestFile } from './ingest.js';
import { lookupEvidenceOf } from '../match/lookup.js';
import { census } from '../census/count.js';
import { victims } from '../census/victims.js';

const match = { graceMs: 86_400_000 };

/** The same store as an engine that does not read files itself would present it. */
function withoutFileReading(store: Store): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'files') return undefined;
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const FLOWS = [
  'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
  '2024-06-01 10:00:00.125,1.5,TCP,192.0.2.1,40000,203.0.113.10,443,10,1000,1',
  '2024-06-01 10:00:01.000,0.000,17,198.51.100.7,53,203.0.113.11,5353,1,80,1',
  '2024-06-01 10:05:00.000,0.2,TCP,203.0.113.10,443,192.0.2.1,40000,4,400,1',
  '2024-06-01 10:00:02.000,2.250,ICMP6,2001:db8::1,0,2001:db8:0:1::,0,3,240,1',
].join('\n');

const DNS = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tdns',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype\tqtype_name\tanswers\tTTLs',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tcount\tstring\tvector[string]\tvector[interval]',
  ['1717236000.123456', 'C1', '192.0.2.10', '5353', '198.51.100.53', '53', 'udp', 'c2.example', '1', 'A', '203.0.113.5,203.0.113.6', '-'].join('\t'),
  ['1717236001.5', 'C2', '192.0.2.11', '5353', '-', '53', 'udp', 'WWW.Sub.C2.Example.', '28', '-', '(empty)', '-'].join('\t'),
  ['1717236002', 'C3', '2001:db8::11', '5353', '2001:db8::53', '53', 'udp', 'benign.example', '-', 'TXT', '-', '-'].join('\t'),
].join('\n');

/** Both stores read the same files (evidence names them). */
const dir = tempDir();

async function answers(files: boolean) {
  const real = await openTestStore();
  const store = files ? real : withoutFileReading(real);
  const intel = join(dir, 'c2.txt');
  writeFileSync(intel, 'c2.example\n203.0.113.10\n');
  await importIntelFile(store, intel, { source: 'test', match });
  writeFileSync(join(dir, 'flows.csv'), FLOWS + '\n');
  writeFileSync(join(dir, 'dns.log'), DNS + '\n');
  const fast: unknown[] = [];
  for (const f of ['flows.csv', 'dns.log']) {
    const r = await ingestFile(store, join(dir, f), { match });
    assert.equal(r.status, 'imported');
    if (r.status === 'imported') fast.push(r.fast ?? false);
  }
  const out = {
    fast,
    victims: await victims(store, {}),
    census: await census(store, { by: 'indicator', measure: 'cumulative', top: 10 }),
    imports: (await store.listImports()).map((i) => [i.format, i.lines, i.records, i.rejected, i.minTs, i.maxTs]),
    lookup: await lookupEvidenceOf(store, 0xffffc0000201n),
  };
  await real.close();
  return out;
}

test('a store without the engine\'s own file reading imports the same files line by line, with the same answers', async () => {
  const withFiles = await answers(true);
  const lineByLine = await answers(false);
  assert.deepEqual(withFiles.fast, [true, true], 'DuckDB read both files itself');
  assert.deepEqual(lineByLine.fast, [false, false], 'without the capability, the line readers read them');
  assert.equal(withFiles.victims.length, 3); // 192.0.2.1 (two-way), the two DNS clients of c2.example
  assert.deepEqual({ ...lineByLine, fast: [] }, { ...withFiles, fast: [] });
});

test('a Parquet file on a store that cannot read files itself is converted by an embedded DuckDB: the same answers, and the same refusal of a file without flows', async () => {
  const dir = tempDir();
  const iocs = join(dir, 'iocs.txt');
  writeFileSync(iocs, '203.0.113.10\n');
  const flows = join(dir, 'flows.parquet');
  const notFlows = join(dir, 'other.parquet');
  const answersOf = async (files: boolean) => {
    const real = await openTestStore();
    const store = files ? real : withoutFileReading(real);
    const { sql } = await import('../store/sql.js');
    await real.driver.run(sql`COPY (SELECT TIMESTAMP '2024-06-01 10:00:00' + INTERVAL (i) MINUTE AS firstSeen, 'TCP' AS proto, '192.0.2.' || i AS srcAddr,
                                  40000 + i AS srcPort, CASE WHEN i % 2 = 0 THEN '203.0.113.10' ELSE '198.51.100.9' END AS dstAddr, 443 AS dstPort,
                                  10 AS packets, 1000 * i AS bytes FROM range(1, 9) t(i)) TO ${flows} (FORMAT parquet)`);
    await real.driver.run(sql`COPY (SELECT 1 AS a) TO ${notFlows} (FORMAT parquet)`);
    await importIntelFile(store, iocs, { source: 'test', match });
    const r = await ingestFile(store, flows, { match });
    assert.ok(r.status === 'imported');
    await assert.rejects(ingestFile(store, notFlows, { match }), (err: Error & { code?: string }) => err.code === 'BAD_INPUT' && /not a flow file/.test(err.message));
    const out = { fast: r.fast ?? false, counts: r.counts, sightings: r.sightings, victims: await victims(store, {}), census: await census(store, { by: 'country', measure: 'cumulative', top: 10 }) };
    await real.close();
    return out;
  };
  const withFiles = await answersOf(true);
  const embedded = await answersOf(false);
  assert.deepEqual([withFiles.fast, embedded.fast], [true, false]);
  assert.equal(withFiles.victims.length, 4);
  assert.deepEqual({ ...embedded, fast: true }, withFiles);
});
