// What one run of a command knows about where it runs: in a process of its own, or inside a
// running server that took it over from another process (handoff-host.ts). Commands ask here
// instead of reading process-wide state, since a server runs handed-off commands beside its own work.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../store/store.js';

/** What a server offers the commands it runs for other processes. */
export interface HostServices {
  /** The store the server holds open (absolute path). */
  storePath: string;
  /** Runs `fn` on the store in the writes' turn (importing commands). */
  write<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Runs `fn` on the store the dashboard reads from, in the questions' turn (every other command). */
  read<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Adds drop folders to the server's watcher; gives a line for each. */
  watch?(dirs: { dir: string; intel: boolean }[]): string[];
  /** The server's process id, for messages. */
  pid: number;
}

export interface Invocation {
  /** Set when the command runs inside a server for another process. */
  host?: HostServices;
  /** Whether the terminal of the process that gave the command shows stdout/stderr. */
  stdoutTty: boolean;
  stderrTty: boolean;
  exitCode?: number;
}

const current = new AsyncLocalStorage<Invocation>();
const own: Invocation = { stdoutTty: process.stdout.isTTY === true, stderrTty: process.stderr.isTTY === true };

export function invocation(): Invocation {
  return current.getStore() ?? own;
}

export function runInvocation<T>(inv: Invocation, fn: () => Promise<T>): Promise<T> {
  return current.run(inv, fn);
}
