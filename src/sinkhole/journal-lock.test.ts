import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JOURNAL_DEFAULTS, Journal } from './journal.js';

describe('one writer per journal', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcensus-journal-lock-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses a second writer while the first runs, naming its process, and lets one start once it stopped', async () => {
    const jdir = join(dir, 'a');
    const first = new Journal({ ...JOURNAL_DEFAULTS, dir: jdir });
    await first.start();
    const second = new Journal({ ...JOURNAL_DEFAULTS, dir: jdir });
    const t0 = Date.now();
    await assert.rejects(second.start(), new RegExp(`^the journal ${jdir} is in use by process ${process.pid}: `));
    assert.ok(Date.now() - t0 >= 2900, 'it waited for the writer to go first');
    await first.stop();
    const third = new Journal({ ...JOURNAL_DEFAULTS, dir: jdir });
    await third.start();
    await third.stop();
  });

  it('takes over the lock of a writer that is gone (killed without stopping)', async () => {
    const jdir = join(dir, 'b');
    const boot = new Journal({ ...JOURNAL_DEFAULTS, dir: jdir });
    await boot.start();
    await boot.stop();
    // A process that has ended: its pid is free now.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(jdir, 'writer.lock'), `${gone.stdout} 12345\n`);
    const j = new Journal({ ...JOURNAL_DEFAULTS, dir: jdir });
    await j.start();
    assert.match(await readFile(join(jdir, 'writer.lock'), 'utf8'), new RegExp(`^${process.pid} `));
    await j.stop();
  });
});
