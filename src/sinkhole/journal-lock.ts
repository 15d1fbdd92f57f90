// One writer per journal: a lock file naming the writing process (its pid and, on Linux, its start
// time, so a pid the system has since given to another process is not mistaken for the writer).
// Two writers on one journal would hand out the same sequence numbers. A lock whose process is gone
// (killed with kill -9) is taken over; a live one is waited for briefly, since a listener process
// whose main process was killed exits within moments, and then refused.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BotcensusError } from '../core/errors.js';

const LOCK = 'writer.lock';

/** "pid start-time" of a process ("pid" where /proc is not there). */
async function identity(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) {
    try {
      process.kill(pid, 0);
      return String(pid);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? String(pid) : undefined;
    }
  }
  // Field 22, counted after the command name in parentheses (which may hold spaces).
  return `${pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
}

/** Makes this process the journal's writer; throws when another live process is, after `waitMs`. */
export async function lockJournal(dir: string, waitMs = 3000): Promise<() => Promise<void>> {
  const file = join(dir, LOCK);
  const me = (await identity(process.pid)) ?? String(process.pid);
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(file, me + '\n', { flag: 'wx' });
      return async () => {
        if ((await readFile(file, 'utf8').catch(() => '')).trim() === me) await unlink(file).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = (await readFile(file, 'utf8').catch(() => '')).trim();
    const pid = Number(holder.split(' ')[0]);
    if (!pid || (await identity(pid)) !== holder) {
      // Its writer is gone: take it over.
      await unlink(file).catch(() => undefined);
      continue;
    }
    if (Date.now() >= end) throw new BotcensusError('USAGE', `the journal ${dir} is in use by process ${pid}: stop it first, or give this sinkhole another --journal`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
