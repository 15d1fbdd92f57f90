// Kill the process in the middle of an import (its transaction fully written, not committed):
// on reopening, the store is exactly as before, and the same file then imports normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { CLI, cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const header = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
const flows = (n: number, c2: string) =>
  [header, ...Array.from({ length: n }, (_, i) => `2024-06-01 10:00:${String(i % 60).padStart(2, '0')}.000,1.0,TCP,198.51.100.${i % 200},${1024 + i},${c2},443,1,100,1`)].join('\n') + '\n';

test('SIGKILL while an import is in flight leaves the store unchanged; the rerun imports once', async () => {
  writeFileSync(join(dir, 'iocs.txt'), '203.0.113.10\n203.0.113.11\n');
  assert.equal(cli(['--db', db, 'intel', 'import', join(dir, 'iocs.txt')]).status, 0);
  writeFileSync(join(dir, 'day1.csv'), flows(500, '203.0.113.10'));
  assert.equal(cli(['--db', db, 'ingest', join(dir, 'day1.csv')]).status, 0);
  const before = { imports: cliJson<unknown[]>(['--db', db, 'imports']), victims: cliJson<unknown[]>(['--db', db, 'victims']) };

  writeFileSync(join(dir, 'day2.csv'), flows(500, '203.0.113.11').replace(/198\.51\.100\./g, '192.0.2.'));
  const child = spawn(process.execPath, [CLI, '--db', db, 'ingest', join(dir, 'day2.csv')], {
    env: { ...process.env, BOTCENSUS_TEST_PAUSE_BEFORE_COMMIT: '30000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      if (b.toString().includes('transaction ready to commit')) resolve();
    });
    child.on('exit', () => reject(new Error('the import ended before it could be killed')));
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const after = { imports: cliJson<unknown[]>(['--db', db, 'imports']), victims: cliJson<unknown[]>(['--db', db, 'victims']) };
  assert.deepEqual(after, before);
  const rerun = cli(['--db', db, 'ingest', join(dir, 'day2.csv')]);
  assert.equal(rerun.status, 0, rerun.stderr);
  assert.match(rerun.stdout, /500 records/);
  assert.equal(cliJson<unknown[]>(['--db', db, 'victims']).length, 400); // 200 + 200 distinct sources
  assert.match(cli(['--db', db, 'ingest', join(dir, 'day2.csv')]).stdout, /already imported/);
});
