// The server's side of the hand-off (handoff.ts): a Unix socket that runs other processes' command
// lines in this process, on the store it holds, one at a time, with their output sent back.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { captured, withOutputTo } from './capture.js';
import { serverFilePath, socketPathFor, type HandoffFrame, type HandoffRequest, type ServerFile } from './handoff.js';
import { runInvocation, type HostServices } from './invocation.js';

export interface HandoffHost {
  file: ServerFile;
  /** Runs a command line here as a handed-off one would run (in turn with them), giving its output. */
  run(args: string[], cwd?: string): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

/**
 * Listens for handed-off commands on the store's socket and writes the server file beside the
 * store. `runCli` runs one command line (program.ts) and gives its exit code.
 */
export async function startHandoffHost(services: HostServices, runCli: (args: string[]) => Promise<number>, url?: string): Promise<HandoffHost> {
  const secret = randomBytes(24).toString('hex');
  const socket = socketPathFor(services.storePath);
  const file: ServerFile = { pid: process.pid, socket, secret, url };
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  /** One command at a time, in the given working directory, so relative paths mean what they meant there. */
  const inTurn = <T>(cwd: string, tty: { stdoutTty: boolean; stderrTty: boolean }, fn: () => Promise<T>): Promise<T> => {
    waiting++;
    const turn = queue.then(async () => {
      const here = process.cwd();
      try {
        process.chdir(cwd);
        return await runInvocation({ host: services, ...tty }, fn);
      } finally {
        process.chdir(here);
        waiting--;
      }
    });
    queue = turn.catch(() => undefined);
    return turn;
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > 1 << 20) req.destroy();
    });
    req.on('end', () => {
      let r: HandoffRequest;
      try {
        r = JSON.parse(body) as HandoffRequest;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const given = Buffer.from(String(r.secret ?? ''));
      const want = Buffer.from(secret);
      if (req.method !== 'POST' || req.url !== '/run' || given.length !== want.length || !timingSafeEqual(given, want) || !Array.isArray(r.args)) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const send = (frame: HandoffFrame) => void res.write(JSON.stringify(frame) + '\n');
      if (waiting > 0) send({ err: `botcensus: the server (pid ${process.pid}) is busy with another command; this one waits for it\n` });
      void inTurn(String(r.cwd), { stdoutTty: Boolean(r.stdoutTty), stderrTty: Boolean(r.stderrTty) }, () =>
        withOutputTo((stream, text) => send(stream === 'out' ? { out: text } : { err: text }), () => runCli(r.args.map(String))),
      )
        .catch((err: Error) => {
          send({ err: `botcensus: ${err.message}\n` });
          return 1;
        })
        .then((code) => res.end(JSON.stringify({ exit: code } satisfies HandoffFrame) + '\n'));
    });
  });
  rmSync(socket, { force: true });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(socket, () => ok());
  });
  chmodSync(socket, 0o600);
  // Written aside and renamed into place: a command reading it never finds it half written.
  const path = serverFilePath(services.storePath);
  writeFileSync(`${path}.tmp`, JSON.stringify(file) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return {
    file,
    run: (args, cwd = process.cwd()) =>
      inTurn(cwd, { stdoutTty: false, stderrTty: false }, async () => {
        const r = await captured(() => runCli(args));
        return { code: r.value, out: r.out, err: r.err };
      }),
    async close() {
      rmSync(serverFilePath(services.storePath), { force: true });
      await new Promise<void>((ok) => server.close(() => ok()));
      await queue;
      rmSync(socket, { force: true });
    },
  };
}
