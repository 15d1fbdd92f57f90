// botcensus serve: the HTTP API and web app over the store, until interrupted. Plain HTTP only on a
// loopback address (the session cookie then goes without Secure); anywhere else TLS is required,
// directly (--tls-cert/--tls-key) or from a proxy in front (--trust-proxy), and cookies are Secure.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import type { OperationsStatus } from '../../server/context.js';
import { dbPath, graceMs, graceOption } from '../context.js';
import { DropFolderWatcher } from '../drop-folders.js';
import { startHandoffHost } from '../handoff-host.js';
import { openWaiting } from '../store-lock.js';
import { applyRetention, retentionOf } from './prune.js';
import { dropFoldersOf } from './watch.js';
import { fail } from '../fail.js';
import { tokenStore } from '../../server/auth/tokens-sql.js';
import { addSinkholeOptions, startSinkhole } from './sinkhole.js';
import { ensureVictimFold } from '../../match/victim-fold.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

function fileBytes(path: string): number {
  let n = 0;
  for (const p of [path, `${path}.wal`])
    try {
      n += statSync(p).size;
    } catch {
      // no write-ahead log
    }
  return n;
}

/**
 * Listens on the port for a moment and lets go: a port already in use is reported before the store
 * is opened and the server starts warming up (which a failed listen would leave running).
 */
export function checkPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function serveCommand(): Command {
  return addSinkholeOptions(new Command('serve'))
    .description('serve the JSON API (/api/, described at /api/openapi.json) and the web app; create a token first with `botcensus tokens create`')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port', '8080')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--trust-proxy', 'behind a TLS-terminating reverse proxy: trust its X-Forwarded-Proto/-For (cookies are then Secure)')
    .option('--log', 'log every request (JSON lines on stdout)')
    .option('--watch <dir...>', 'drop folders of telemetry: every complete file that appears is imported once')
    .option('--watch-intel <dir...>', 'drop folders of indicator files')
    .option('--watch-interval <seconds>', 'how often the drop folders are listed', '2')
    .option('--keep-flows <duration>', 'retention of raw flows (e.g. 90d), applied hourly; sightings and victims stay')
    .option('--keep-logs <duration>', 'retention of raw DNS, HTTP, TLS and IDS logs (e.g. 30d), applied hourly')
    .addOption(graceOption())
    .addHelpText(
      'after',
      `
Sign-in: the web app takes a token once and keeps an HttpOnly, SameSite=Strict session cookie.
The cookie is Secure (and named __Host-botcensus_session) whenever the request came over TLS:
with --tls-cert/--tls-key, or with --trust-proxy behind a proxy that sends X-Forwarded-Proto: https.
On plain HTTP, allowed on a loopback --host only, it cannot be Secure (browsers would drop it);
that traffic never leaves the machine. Use an SSH tunnel or a TLS proxy to reach it from elsewhere.
While the server runs, other botcensus commands on the same store (ingest, intel import, census,
tokens create, ...) hand their work to it through a socket only the store's owner can use, and print
what it answers: the dashboard stays up while data comes in.`,
    )
    .action(async (o, cmd: Command) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BotcensusError('USAGE', `--port takes a port number, not ${JSON.stringify(o.port)}`);
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new BotcensusError('USAGE', '--tls-cert and --tls-key go together');
      const tls = o.tlsCert ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : undefined;
      if (!tls && !o.trustProxy && !isLoopback(o.host))
        throw new BotcensusError('USAGE', `plain HTTP on ${o.host} would send tokens in clear text: use --tls-cert/--tls-key, or --trust-proxy behind a TLS proxy, or a loopback --host`);
      const keep = retentionOf(o);
      const interval = Number(o.watchInterval);
      if (!(interval > 0)) throw new BotcensusError('USAGE', `--watch-interval takes a number of seconds, not ${JSON.stringify(o.watchInterval)}`);
      if (port !== 0) await checkPortFree(o.host, port);
      const storePath = resolve(dbPath(cmd));
      const isNew = !existsSync(storePath);
      const [{ buildServer }, { DuckDbStore }] = await Promise.all([import('../../server/app.js'), import('../../store/duckdb/index.js')]);
      const store = await openWaiting(storePath, (p) => DuckDbStore.open(p));
      await ensureVictimFold(store.driver);
      if (isNew) process.stderr.write(`botcensus: created a new store at ${storePath}\n`);
      try {
        const tokens = await tokenStore(store).listTokens();
        let watcher: DropFolderWatcher | undefined;
        let lastPrune: Date | undefined;
        const operations = (): OperationsStatus => ({
          store: { path: storePath, bytes: fileBytes(storePath) },
          dropFolders: watcher?.status(),
          retention: keep.flows || keep.logs ? { flowsDays: keep.flows && keep.flows / DAY, logsDays: keep.logs && keep.logs / DAY, lastRun: lastPrune } : undefined,
        });
        const app = await buildServer(store, {
          graceMs: graceMs(o.grace),
          https: tls,
          trustProxy: Boolean(o.trustProxy),
          secureCookies: tls || o.trustProxy ? true : undefined,
          logger: Boolean(o.log),
          warm: true,
          operations,
          announce: (line) => process.stderr.write(`botcensus: ${line}\n`),
        });
        let address: string;
        try {
          address = await app.listen({ host: o.host, port });
        } catch (err) {
          // Taken between the check and now: say so and end, without waiting for the warm-up.
          fail(err);
          process.exit();
        }
        const { runCli } = await import('../program.js');
        let wrote = false;
        // Handed-off commands and drop-folder imports: importing ones in the writes' turn, the others beside the dashboard's questions.
        const host = await startHandoffHost(
          {
            storePath,
            write: (fn) => {
              wrote = true;
              return app.exclusive(() => fn(store));
            },
            read: (fn) => app.question(fn),
            pid: process.pid,
            watch: (folders) => {
              watcher ??= startWatcher();
              return watcher.add(folders);
            },
          },
          // Only a command that wrote makes the dashboard prepare its answers again (one command runs at a time).
          (args) => {
            wrote = false;
            return runCli(args).finally(() => {
              if (wrote) app.storeChanged();
            });
          },
          address,
        );
        const startWatcher = () => {
          const w = new DropFolderWatcher({ intervalMs: interval * 1000, run: (args) => host.run(['--db', storePath, ...args]), log: (line) => process.stderr.write(`botcensus: ${line}\n`) });
          w.start();
          return w;
        };
        const folders = dropFoldersOf(o.watch, o.watchIntel);
        if (folders.length) {
          watcher = startWatcher();
          for (const line of watcher.add(folders)) process.stderr.write(`botcensus: ${line}\n`);
        }
        let pruning: NodeJS.Timeout | undefined;
        if (keep.flows || keep.logs) {
          const prune = () =>
            void app
              .exclusive(() => applyRetention(store, keep))
              .then((deleted) => {
                lastPrune = new Date();
                const n = deleted.reduce((a, d) => a + d.deleted, 0);
                if (!n) return;
                app.storeChanged();
                process.stderr.write(`botcensus: retention: ${n.toLocaleString('en-US')} raw rows deleted (${deleted.filter((d) => d.deleted).map((d) => d.table).join(', ')})\n`);
              })
              .catch((err: Error) => process.stderr.write(`botcensus: retention: ${err.message}\n`));
          prune();
          pruning = setInterval(prune, HOUR);
        }
        process.stderr.write(`botcensus: serving ${address}/ from ${storePath}; other botcensus commands on this store are handed to this server; Ctrl-C stops\n`);
        if (!tokens.some((t) => !t.revokedAt && t.role === 'admin'))
          process.stderr.write('botcensus: no live admin token: run `botcensus tokens create --role admin` (it is handed to this server)\n');
        // The same flags as `botcensus sinkhole`: one process sinks and serves on the same store.
        const sinkhole = await startSinkhole(o, store, cmd, o.grace, { exclusive: (fn) => app.exclusive(fn), changed: () => app.storeChanged() });
        const signalled = new Promise<void>((done) => {
          process.once('SIGINT', () => done());
          process.once('SIGTERM', () => done());
        });
        // A listener process that ends unasked stops the whole server with a line naming it, so a
        // supervisor restarts it (the restart stores what its journal holds) rather than serving on without it.
        const failed = sinkhole ? await Promise.race([signalled.then(() => undefined), sinkhole.failed.catch((err: Error) => err)]) : await signalled;
        await sinkhole?.stop();
        clearInterval(pruning);
        await watcher?.stop();
        await host.close();
        await app.close();
        if (failed) throw failed;
      } finally {
        await store.close();
      }
    });
}
