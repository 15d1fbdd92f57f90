// While `botcensus serve` holds a store, other botcensus commands on that store hand their work to
// it instead of opening the file (which DuckDB locks to one process). The server leaves a file
// beside the store, readable by its owner only, naming a Unix socket (also owner-only) and a secret;
// a command that finds a live server sends it its command line and working directory and prints
// what comes back, so output, progress and exit codes are those of a command run alone.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServerFile {
  pid: number;
  /** The Unix socket the server takes commands on. */
  socket: string;
  secret: string;
  /** The dashboard's address, for messages. */
  url?: string;
}

/** One line of the answer stream: output for stdout or stderr, or the exit code at the end. */
export type HandoffFrame = { out: string } | { err: string } | { exit: number };

export interface HandoffRequest {
  secret: string;
  args: string[];
  cwd: string;
  stdoutTty: boolean;
  stderrTty: boolean;
}

export function serverFilePath(store: string): string {
  return resolve(store) + '.server.json';
}

/** Short enough for a Unix socket path (about 100 bytes) wherever the store is. */
export function socketPathFor(store: string): string {
  const h = createHash('sha256').update(resolve(store)).digest('hex').slice(0, 16);
  return join(tmpdir(), `botcensus-${h}.sock`);
}

export function readServerFile(store: string): ServerFile | undefined {
  let f: ServerFile;
  try {
    f = JSON.parse(readFileSync(serverFilePath(store), 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
  try {
    process.kill(f.pid, 0);
  } catch (err) {
    // ESRCH: the server died without removing its file. EPERM: alive, but another user's.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  return f;
}

/**
 * The DuckDB store file a command line names (--db or --store, before or after the command), or
 * the default; undefined for a ClickHouse store, which every command opens itself (it takes many
 * writers).
 */
export function storeOfArgs(args: string[], fallback: string): string | undefined {
  let named: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if ((a === '--db' || a === '--store') && i + 1 < args.length) named = args[i + 1]!;
    else if (a.startsWith('--db=')) named = a.slice(5);
    else if (a.startsWith('--store=')) named = a.slice(8);
    if (named !== undefined) break;
  }
  const spec = named ?? fallback;
  if (/^clickhouse:/i.test(spec)) return undefined;
  return spec.replace(/^duckdb:/i, '');
}

/** Commands that never hand off: the server itself and what builds its own store. */
// sinkhole runs until stopped: inside a server, use `serve` with the sinkhole's flags instead.
const LOCAL = new Set(['serve', 'demo', 'restore', 'help', 'sinkhole']);

export function handsOff(args: string[]): boolean {
  const first = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '--db' && args[i - 1] !== '--store');
  if (first === undefined || LOCAL.has(first)) return false;
  return !args.includes('--help') && !args.includes('-h') && !args.includes('--version') && !args.includes('-V');
}

/**
 * Runs the command line in the server that holds the store, writing its output here. Gives the
 * exit code, or undefined when no server is reachable (the command then runs on its own).
 */
export function handOff(server: ServerFile, args: string[], write = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) }): Promise<number | undefined> {
  const body: HandoffRequest = {
    secret: server.secret,
    args,
    cwd: process.cwd(),
    stdoutTty: process.stdout.isTTY === true,
    stderrTty: process.stderr.isTTY === true,
  };
  return new Promise((done, fail) => {
    const req = request({ socketPath: server.socket, path: '/run', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        fail(new Error(`the server on ${server.socket} refused the command (HTTP ${res.statusCode})`));
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      let exit: number | undefined;
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const frame = JSON.parse(buf.slice(0, nl)) as HandoffFrame;
          buf = buf.slice(nl + 1);
          if ('out' in frame) write.out(frame.out);
          else if ('err' in frame) write.err(frame.err);
          else exit = frame.exit;
        }
      });
      res.on('end', () => (exit === undefined ? fail(new Error('the server ended the command without an exit code')) : done(exit)));
      res.on('error', fail);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // No socket, or nobody listening on it: a server that is gone. The command runs on its own.
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') done(undefined);
      else fail(err);
    });
    req.end(JSON.stringify(body));
  });
}
