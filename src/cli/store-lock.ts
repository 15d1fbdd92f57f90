// One store file, one process: DuckDB locks the file while a process holds it. A second command
// on the same store (with no server to hand its work to) waits for the first, saying so, and
// gives up with a plain line after BOTCENSUS_LOCK_WAIT seconds (default 600; 0 fails at once).
import { BotcensusError } from '../core/errors.js';
import { StoreUnavailable } from './fail.js';

function lockHolder(err: unknown): string | undefined {
  const message = String((err as Error)?.message ?? '');
  if (!message.includes('Could not set lock on file')) return undefined;
  const pid = /\(PID (\d+)\)/.exec(message);
  return pid ? `process ${pid[1]}` : 'another process';
}

export function lockWaitMs(): number {
  const raw = process.env.BOTCENSUS_LOCK_WAIT;
  const s = raw === undefined || raw === '' ? 600 : Number(raw);
  if (!Number.isFinite(s) || s < 0) throw new BotcensusError('USAGE', `BOTCENSUS_LOCK_WAIT takes a number of seconds, not ${JSON.stringify(raw)}`);
  return s * 1000;
}

export async function openWaiting<T>(path: string, open: (path: string) => Promise<T>, say = (line: string) => process.stderr.write(line + '\n')): Promise<T> {
  const deadline = Date.now() + lockWaitMs();
  let told = false;
  for (;;) {
    try {
      return await open(path);
    } catch (err) {
      const holder = lockHolder(err);
      if (!holder) throw err;
      if (Date.now() >= deadline)
        throw new StoreUnavailable(`the store ${path} is in use by ${holder} (another botcensus command, or a server without a hand-off socket); try again when it ends`);
      if (!told) say(`botcensus: the store ${path} is in use by ${holder}; waiting for it to finish (BOTCENSUS_LOCK_WAIT=0 fails at once)`);
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
