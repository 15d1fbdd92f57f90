// The sinkhole's configuration from command-line values: shared by `botcensus sinkhole` and
// `botcensus serve`, which takes the same flags.
import { readFile } from 'node:fs/promises';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { BotcensusError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { CONFIG_DEFAULTS, LIMIT_DEFAULTS, type ListenAddr, type SinkholeConfig } from './config.js';
import { compileExtractors } from './extractors.js';
import { FEEDER_DEFAULTS, type FeederConfig } from './feeder.js';
import { normalizeName, readNamesFile, type SinkholedName } from './names.js';
import { listIndicators } from '../intel/indicators-sql.js';

/** The flags as commander hands them over (all strings; repeatable ones as arrays). */
export interface SinkholeFlags {
  dns?: string;
  http?: string;
  https?: string;
  cert?: string;
  key?: string;
  tcp?: string;
  domains?: string;
  fromIntel?: string;
  journal?: string;
  admin?: string;
  listeners?: string;
  answer?: string[];
  ttl?: string;
  botId?: string[];
  header?: string[];
  rate?: string;
  burst?: string;
  connsPerPrefix?: string;
  maxConnections?: string;
  prefixV4?: string;
  prefixV6?: string;
  slip?: string;
  headerTimeout?: string;
  idleTimeout?: string;
  fsyncMs?: string;
  ack?: string;
  maxQueue?: string;
  feedMs?: string;
  batch?: string;
  feedShare?: string;
  sensor?: string;
}

export function wantsSinkhole(f: SinkholeFlags): boolean {
  return Boolean(f.dns || f.http || f.https || f.tcp);
}

export function parseListen(v: string, flag: string): ListenAddr {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:]+):(\d+)$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !isIP(m[1]!) || port > 65535) throw new BotcensusError('USAGE', `${flag} takes ADDR:PORT (e.g. 127.0.0.1:5353 or [::1]:5353), not ${JSON.stringify(v)}`);
  return { host: m[1]!, port };
}

function num(v: string | undefined, flag: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new BotcensusError('USAGE', `${flag} takes a number${min ? ` of at least ${min}` : ''}, not ${JSON.stringify(v)}`);
  return n;
}

/** The sinkholed names: from a --domains file, or the domain indicators of an intel source in the store. */
async function names(f: SinkholeFlags, store: Store): Promise<SinkholedName[]> {
  if (Boolean(f.domains) === Boolean(f.fromIntel)) throw new BotcensusError('USAGE', 'give the sinkholed names with one of --domains FILE or --from-intel SOURCE');
  if (f.domains) return readNamesFile(f.domains);
  const rows = await listIndicators(store.driver, { type: 'domain', source: f.fromIntel });
  const list = rows.filter((r) => r.forDetection && !r.warnings.length).map((r) => ({ name: normalizeName(r.value), family: r.family ?? undefined }));
  if (!list.length) throw new BotcensusError('USAGE', `--from-intel ${f.fromIntel}: the store has no usable domain indicators from that source (see \`botcensus intel list\`)`);
  return list;
}

export async function sinkholeConfig(f: SinkholeFlags, store: Store, dbPath: string): Promise<{ config: SinkholeConfig; feed: Partial<FeederConfig> }> {
  if (Boolean(f.https) !== Boolean(f.cert && f.key)) throw new BotcensusError('USAGE', '--https needs --cert and --key (PEM files)');
  const dns = f.dns ? parseListen(f.dns, '--dns') : undefined;
  const http = f.http ? parseListen(f.http, '--http') : undefined;
  const https = f.https ? { ...parseListen(f.https, '--https'), cert: await pem(f.cert!), key: await pem(f.key!) } : undefined;
  const tcp = f.tcp ? f.tcp.split(',').map((t) => parseListen(t.trim(), '--tcp')) : [];
  const answers = f.answer?.length ? f.answer : [dns, http, https].flatMap((l) => (l && l.host !== '0.0.0.0' && l.host !== '::' ? [l.host] : [])).slice(0, 1);
  for (const a of answers) if (!isIP(a)) throw new BotcensusError('USAGE', `--answer takes an address, not ${JSON.stringify(a)}`);
  if (dns && !answers.length) throw new BotcensusError('USAGE', '--dns on a wildcard address: give the sinkhole address the names resolve to with --answer ADDR');
  const botId = f.botId ?? [];
  compileExtractors(botId);
  const limits = {
    ...LIMIT_DEFAULTS,
    ratePerSecond: num(f.rate, '--rate', LIMIT_DEFAULTS.ratePerSecond),
    connectionsPerPrefix: num(f.connsPerPrefix, '--conns-per-prefix', LIMIT_DEFAULTS.connectionsPerPrefix, 1),
    maxConnections: num(f.maxConnections, '--max-connections', LIMIT_DEFAULTS.maxConnections, 1),
    prefix: { v4: num(f.prefixV4, '--prefix-v4', 24), v6: num(f.prefixV6, '--prefix-v6', 56) },
    slip: num(f.slip, '--slip', LIMIT_DEFAULTS.slip),
    headerTimeoutMs: num(f.headerTimeout, '--header-timeout', LIMIT_DEFAULTS.headerTimeoutMs / 1000, 0.1) * 1000,
    idleTimeoutMs: num(f.idleTimeout, '--idle-timeout', LIMIT_DEFAULTS.idleTimeoutMs / 1000, 0.1) * 1000,
  };
  limits.burst = num(f.burst, '--burst', Math.max(1, limits.ratePerSecond * 2), 1);
  if (limits.prefix.v4 > 32 || limits.prefix.v6 > 128) throw new BotcensusError('USAGE', '--prefix-v4 is at most 32, --prefix-v6 at most 128');
  const config: SinkholeConfig = {
    dns,
    http,
    https,
    tcp,
    admin: f.admin ? parseListen(f.admin, '--admin') : undefined,
    listeners: whole(num(f.listeners, '--listeners', 1, 1), '--listeners'),
    names: await names(f, store),
    answerV4: answers.filter((a) => isIPv4(a)),
    answerV6: answers.filter((a) => isIPv6(a)),
    ttl: num(f.ttl, '--ttl', CONFIG_DEFAULTS.ttl),
    botId,
    headers: f.header?.length ? f.header.map((h) => h.toLowerCase()) : CONFIG_DEFAULTS.headers,
    firstBytes: CONFIG_DEFAULTS.firstBytes,
    journal: {
      ...CONFIG_DEFAULTS.journal,
      dir: f.journal ?? `${dbPath}.sinkhole-journal`,
      fsyncIntervalMs: num(f.fsyncMs, '--fsync-ms', CONFIG_DEFAULTS.journal.fsyncIntervalMs),
      maxPending: num(f.maxQueue, '--max-queue', CONFIG_DEFAULTS.journal.maxPending, 1),
      ack: ackMode(f.ack),
    },
    limits,
  };
  const feed: Partial<FeederConfig> = {
    intervalMs: num(f.feedMs, '--feed-ms', FEEDER_DEFAULTS.intervalMs, 1),
    maxBatch: num(f.batch, '--batch', FEEDER_DEFAULTS.maxBatch, 1),
    share: feedShare(f.feedShare),
    sensor: f.sensor ?? FEEDER_DEFAULTS.sensor,
  };
  return { config, feed };
}

function whole(n: number, flag: string): number {
  if (!Number.isInteger(n)) throw new BotcensusError('USAGE', `${flag} takes a whole number, not ${n}`);
  return n;
}

function feedShare(v: string | undefined): number {
  if (v === undefined) return FEEDER_DEFAULTS.share;
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new BotcensusError('USAGE', `--feed-share takes a number above 0 and at most 1, not ${JSON.stringify(v)}`);
  return n;
}

function ackMode(v: string | undefined): 'write' | 'fsync' {
  if (v === undefined || v === 'write' || v === 'fsync') return v ?? 'write';
  throw new BotcensusError('USAGE', `--ack takes write or fsync, not ${JSON.stringify(v)}`);
}

async function pem(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file });
  }
}
