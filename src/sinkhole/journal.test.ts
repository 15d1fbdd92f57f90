import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CheckIn } from './checkin.js';
import { listSegments } from './journal-files.js';
import { JOURNAL_DEFAULTS, Journal } from './journal.js';

const checkIn = (q: string): CheckIn => ({ t: 0, l: 'dns', p: 'udp', src: '192.0.2.1', sp: 5353, dst: '198.51.100.53', dp: 53, q, n: 'c2.example' });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('journal stop', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcensus-journal-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('stopped while a group fsync is under way, it keeps every check-in and touches the closed file no more', async () => {
    const failures: unknown[] = [];
    const record = (e: unknown) => failures.push(e);
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    try {
      for (let round = 0; round < 20; round++) {
        const jdir = join(dir, String(round));
        const j = new Journal({ ...JOURNAL_DEFAULTS, dir: jdir, fsyncIntervalMs: 5 });
        await j.start();
        const acks: boolean[] = [];
        j.append(checkIn('a.c2.example'), (ok) => acks.push(ok));
        // The write runs on the next turn and arms the group fsync; a timer after it finds the fsync in the thread pool.
        await new Promise((r) => setImmediate(r));
        await tick(round % 4);
        j.append(checkIn('b.c2.example'), (ok) => acks.push(ok));
        await j.stop();
        // A sync armed while stopping would fire here, on a closed file.
        await tick(20);
        assert.deepEqual(acks, [true, true]);
        const lines: string[] = [];
        for (const s of await listSegments(jdir)) lines.push(...(await readFile(s.file, 'utf8')).split('\n').filter(Boolean));
        assert.deepEqual(lines.map((l) => (JSON.parse(l) as CheckIn).q), ['a.c2.example', 'b.c2.example']);
      }
    } finally {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    }
    assert.deepEqual(failures.map(String), []);
  });
});
