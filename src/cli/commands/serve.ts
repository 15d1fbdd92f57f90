// botcensus serve: the HTTP API and web app over the store, until interrupted. Plain HTTP only on a
// loopback address (the session cookie then goes without Secure); anywhere else TLS is required,
// directly (--tls-cert/--tls-key) or from a proxy in front (--trust-proxy), and cookies are Secure.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { buildServer } from '../../server/app.js';
import { dbPath, graceMs, graceOption, withStore } from '../context.js';
import { addSinkholeOptions, startSinkhole } from './sinkhole.js';

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
    .addOption(graceOption())
    .addHelpText(
      'after',
      `
Sign-in: the web app takes a token once and keeps an HttpOnly, SameSite=Strict session cookie.
The cookie is Secure (and named __Host-botcensus_session) whenever the request came over TLS:
with --tls-cert/--tls-key, or with --trust-proxy behind a proxy that sends X-Forwarded-Proto: https.
On plain HTTP, allowed on a loopback --host only, it cannot be Secure (browsers would drop it);
that traffic never leaves the machine. Use an SSH tunnel or a TLS proxy to reach it from elsewhere.
The store file is held by the server: create tokens before starting, or with POST /api/tokens (admin).`,
    )
    .action(async (o, cmd: Command) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BotcensusError('USAGE', `--port takes a port number, not ${JSON.stringify(o.port)}`);
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new BotcensusError('USAGE', '--tls-cert and --tls-key go together');
      const tls = o.tlsCert ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : undefined;
      if (!tls && !o.trustProxy && !isLoopback(o.host))
        throw new BotcensusError('USAGE', `plain HTTP on ${o.host} would send tokens in clear text: use --tls-cert/--tls-key, or --trust-proxy behind a TLS proxy, or a loopback --host`);
      await withStore(cmd, async (store) => {
        const tokens = await store.access.listTokens();
        const app = await buildServer(store, {
          graceMs: graceMs(o.grace),
          https: tls,
          trustProxy: Boolean(o.trustProxy),
          secureCookies: tls || o.trustProxy ? true : undefined,
          logger: Boolean(o.log),
          warm: true,
        });
        const address = await app.listen({ host: o.host, port });
        process.stderr.write(`botcensus: serving ${address}/ from ${dbPath(cmd)}; Ctrl-C stops\n`);
        if (!tokens.some((t) => !t.revokedAt && t.role === 'admin'))
          process.stderr.write('botcensus: no live admin token: stop, run `botcensus tokens create --role admin`, start again\n');
        // The same flags as `botcensus sinkhole`: one process sinks and serves on the same store.
        const sinkhole = await startSinkhole(o, store, cmd, o.grace);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await sinkhole?.stop();
        await app.close();
      });
    });
}
