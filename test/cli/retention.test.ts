// Retention: prune deletes raw flows and logs older than the setting, and nothing else: the census
// and a victim's sightings stay as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressIn } from '../geo-addresses.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

test('prune --keep-flows deletes old raw flows only; sightings, victims and the census stay', () => {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  const [a, b] = [addressIn('US', 0), addressIn('FR', 0)];
  const recent = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(join(dir, 'iocs.txt'), '203.0.113.10\n');
  const csv = (day: string, ip: string) =>
    `firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\n${day} 10:00:00.000,1.0,TCP,${ip},40000,203.0.113.10,443,10,1000,1\n`;
  writeFileSync(join(dir, 'old.csv'), csv('2024-06-10', a));
  writeFileSync(join(dir, 'new.csv'), csv(recent, b));
  writeFileSync(
    join(dir, 'dns.log'),
    ['#separator \\x09', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery', `1718100000.000000\tC1\t${a}\t5353\t192.0.2.53\t53\tudp\tx.example`].join('\n') + '\n',
  );
  assert.equal(cli(['--db', db, 'intel', 'import', join(dir, 'iocs.txt')]).status, 0);
  assert.equal(cli(['--db', db, 'ingest', join(dir, 'old.csv'), join(dir, 'new.csv'), join(dir, 'dns.log')]).status, 0);
  type Census = { result: { total: number } };
  const before = cliJson<Census>(['--db', db, 'census', '--measure', 'cumulative']);
  assert.equal(before.result.total, 2);

  const usage = cli(['--db', db, 'prune', '--keep-flows', 'soon']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--keep-flows takes a duration/);

  const deleted = cliJson<{ table: string; deleted: number }[]>(['--db', db, 'prune', '--keep-flows', '30d']);
  assert.deepEqual(deleted, [{ table: 'flows', deleted: 1 }], 'the 2024 flow only; logs are not flows');
  const after = cliJson<Census>(['--db', db, 'census', '--measure', 'cumulative']);
  assert.equal(after.result.total, 2, 'victims stay');
  const lookup = cli(['--db', db, 'lookup', a]);
  assert.match(lookup.stdout, /203\.0\.113\.10/, 'its sightings stay');

  const logs = cliJson<{ table: string; deleted: number }[]>(['--db', db, 'prune', '--keep-logs', '30d']);
  assert.equal(logs.find((d) => d.table === 'dns')!.deleted, 1);
  assert.equal(cliJson<{ table: string; deleted: number }[]>(['--db', db, 'prune', '--keep-flows', '30d']).reduce((n, d) => n + d.deleted, 0), 0, 'nothing left to prune');
});
