// The command line's one error path: every failure becomes one line in plain words on stderr and an
// exit code from EXIT; the stack trace only with BOTCENSUS_DEBUG=1.
import { BotcensusError, formatWhere } from '../core/errors.js';

export const EXIT = {
  ok: 0,
  /** The work failed: a file unreadable or rejected, a delivery failed, a port in use. */
  failed: 1,
  /** An option, argument or command is wrong. */
  usage: 2,
  /** The store does not exist (reading commands never create one), or another process holds it. */
  store: 3,
} as const;

export const EXIT_HELP = `
Exit codes:
  0  done
  1  the work failed (a file could not be read or was rejected, a message not delivered, a port in use)
  2  wrong usage (an option value, argument or command)
  3  no store at the --db path (only intel import, ingest, owners import, kev import, tokens create and demo create one), or it is in use
Set BOTCENSUS_DEBUG=1 to see the stack trace of a failure.`;

/** A missing or busy store: its own exit code, so scripts can tell it from bad input. */
export class StoreUnavailable extends Error {}

const SYSTEM: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links (a loop?)',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
};

/** One line for an error, and its exit code. */
export function describeFailure(err: unknown): { line: string; code: number } {
  if (err instanceof BotcensusError) return { line: formatWhere(err.where) + err.message, code: err.code === 'USAGE' ? EXIT.usage : EXIT.failed };
  if (err instanceof StoreUnavailable) return { line: err.message, code: EXIT.store };
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string; dest?: string };
  if (e?.code === 'EADDRINUSE') return { line: `port ${e.port ?? '?'} on ${e.address ?? 'this host'} is already in use: stop the other server or choose --port`, code: EXIT.failed };
  if (e?.code === 'EADDRNOTAVAIL') return { line: `cannot listen on ${e.address ?? 'that address'}: it is not an address of this machine`, code: EXIT.failed };
  if (e?.code && SYSTEM[e.code]) return { line: `${e.path ?? e.dest ?? ''}${e.path ? ': ' : ''}${SYSTEM[e.code]}`, code: EXIT.failed };
  const msg = e instanceof Error ? e.message : String(err);
  return { line: msg.split('\n')[0]!, code: EXIT.failed };
}

/** Prints the failure (with its stack when BOTCENSUS_DEBUG=1) and sets the exit code. */
export function fail(err: unknown): void {
  const { line, code } = describeFailure(err);
  process.stderr.write(`botcensus: ${line}\n`);
  if (process.env.BOTCENSUS_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exitCode = code;
}

/**
 * A reader that stops reading (`botcensus victims | head`) closes the pipe: the output is done, not
 * failed. Writes after that are dropped and the process ends quietly.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      throw err;
    });
}
