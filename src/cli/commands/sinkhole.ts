// botcensus sinkhole: DNS, HTTP(S) and raw TCP listeners for taken-over botnet infrastructure; each
// call home is journaled, answered harmlessly and stored as a confirmed sighting. SIGTERM or
// SIGINT drains (answers what was accepted, stores the whole journal) and exits 0.
import { Command } from 'commander';
import { Sinkhole, type StoreTurns } from '../../sinkhole/sinkhole.js';
import { sinkholeConfig, wantsSinkhole, type SinkholeFlags } from '../../sinkhole/options.js';
import { BotcensusError } from '../../core/errors.js';
import type { Store } from '../../store/store.js';
import { dbPath, graceMs, graceOption, withImportStore } from '../context.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The sinkhole's flags, on `sinkhole` and on `serve`. */
export function addSinkholeOptions(cmd: Command): Command {
  return cmd
    .option('--dns <addr:port>', 'DNS listener, UDP and TCP (authoritative for the sinkholed names only)')
    .option('--http <addr:port>', 'HTTP listener')
    .option('--https <addr:port>', 'HTTPS listener (needs --cert and --key)')
    .option('--cert <file>', 'PEM certificate for --https')
    .option('--key <file>', 'PEM private key for --https')
    .option('--tcp <addr:port,...>', 'raw TCP listeners: first bytes and TLS SNI are logged')
    .option('--domains <file>', 'sinkholed names, one a line (every subdomain included); a family may follow the name')
    .option('--from-intel <source>', 'sinkhole the domain indicators of this intel source')
    .option('--answer <addr>', 'address the sinkholed names resolve to (A or AAAA; repeatable; default: the listen address)', collect)
    .option('--ttl <seconds>', 'TTL of the answers', '300')
    .option('--bot-id <spec>', 'bot-id extractor: query:NAME, header:NAME, path:REGEX, payload:REGEX, qname:REGEX (repeatable)', collect)
    .option('--header <name>', 'HTTP header to keep with each check-in (repeatable; default referer, cookie, x-forwarded-for, content-type)', collect)
    .option('--journal <dir>', 'journal folder (default: <store>.sinkhole-journal)')
    .option('--admin <addr:port>', '/metrics and /health listener', '127.0.0.1:9153')
    .option('--listeners <n>', 'listener processes sharing the ports, each with its own journal (about one per spare core)', '1')
    .option('--rate <n>', 'requests (DNS: responses) per second per source prefix; 0 for no limit', '200')
    .option('--burst <n>', 'bucket size per source prefix (default: twice --rate)')
    .option('--conns-per-prefix <n>', 'open connections per source prefix', '64')
    .option('--max-connections <n>', 'open connections per listener', '20000')
    .option('--prefix-v4 <bits>', 'source prefix length for IPv4', '24')
    .option('--prefix-v6 <bits>', 'source prefix length for IPv6', '56')
    .option('--slip <n>', 'DNS: every Nth response over the rate goes out truncated (0: drop all)', '2')
    .option('--header-timeout <seconds>', 'time for HTTP headers or raw TCP first bytes', '10')
    .option('--idle-timeout <seconds>', 'idle connections are closed after this', '15')
    .option('--ack <when>', 'answer a check-in once it is written to the journal (write: survives a crash of the process) or once fsynced (fsync: survives a power cut, slower)', 'write')
    .option('--fsync-ms <ms>', 'the journal is fsynced at most this long after a write', '50')
    .option('--max-queue <n>', 'check-ins waiting for the journal before the excess is shed', '50000')
    .option('--feed-ms <ms>', 'the feeder stores the journal this often (each time one import, listed by `botcensus imports`)', '10000')
    .option('--batch <n>', 'check-ins per store import at most', '100000')
    .option('--feed-share <share>', 'share of the time the feeder may import while a backlog waits (0-1; below 1 leaves CPU to the listeners)', '0.5')
    .option('--sensor <name>', 'sensor name of the imports', 'sinkhole');
}

/** Starts the sinkhole the flags ask for (undefined when they name no listener); logs where it listens. */
export async function startSinkhole(flags: SinkholeFlags, store: Store, cmd: Command, grace: string, server?: StoreTurns): Promise<Sinkhole | undefined> {
  if (!wantsSinkhole(flags)) {
    if (flags.domains || flags.fromIntel) throw new BotcensusError('USAGE', 'give at least one listener: --dns, --http, --https or --tcp');
    return undefined;
  }
  const { config, feed } = await sinkholeConfig(flags, store, dbPath(cmd));
  const s = new Sinkhole(config, { store, feed: { ...feed, graceMs: graceMs(grace) }, turns: server });
  await s.start();
  const where = Object.entries(s.bound)
    .map(([k, a]) => `${k}=${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`)
    .join(' ');
  process.stderr.write(`botcensus: sinkhole listening ${where}\n`);
  const pids = s.pids();
  process.stderr.write(
    `botcensus: sinkhole ${config.names.length} name(s), ${pids.length} listener process${pids.length > 1 ? 'es' : ''} (pid ${pids.join(', ')}), journal ${config.journal.dir} (${s.journal}); SIGTERM drains\n`,
  );
  return s;
}

export function sinkholeCommand(): Command {
  const cmd = new Command('sinkhole').description(
    'run sinkhole listeners for taken-over botnet infrastructure: every call home is answered harmlessly and stored as a confirmed sighting',
  );
  addSinkholeOptions(cmd)
    .addOption(graceOption())
    .addHelpText(
      'after',
      `
Each check-in is appended to the journal before it is answered; the store is fed from the journal
in batches, and a restart after a crash stores what is left exactly once. A listener process that
ends unasked stops the command (non-zero exit, a line naming it) after the others drained.
Ports below 1024 need CAP_NET_BIND_SERVICE: see docs/sinkhole.md.`,
    )
    .action(async (o: SinkholeFlags & { grace: string }, c: Command) => {
      if (!wantsSinkhole(o)) throw new BotcensusError('USAGE', 'give at least one listener: --dns, --http, --https or --tcp');
      await withImportStore(c, async (store) => {
        const s = (await startSinkhole(o, store, c, o.grace))!;
        const signalled = new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        try {
          await Promise.race([signalled, s.failed]);
        } finally {
          process.stderr.write('botcensus: sinkhole draining\n');
          await s.stop();
          process.stderr.write('botcensus: sinkhole stopped; the journal is stored\n');
        }
      });
    });
  return cmd;
}
