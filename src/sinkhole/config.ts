// The sinkhole's configuration, with its defaults: everything a listener process needs, as plain
// data (it is handed to each listener process as is).
import type { JournalConfig } from './journal.js';
import { JOURNAL_DEFAULTS } from './journal.js';
import type { SinkholedName } from './names.js';
import { DEFAULT_PREFIX, type PrefixLengths } from './prefix.js';

export interface ListenAddr {
  host: string;
  port: number;
}

export interface Limits {
  /** Requests (DNS: responses, the response-rate limit) per second per source prefix; 0 for no limit. */
  ratePerSecond: number;
  /** Bucket size per prefix. */
  burst: number;
  /** Open connections per source prefix (TCP listeners). */
  connectionsPerPrefix: number;
  /** Open connections per listener. */
  maxConnections: number;
  prefix: PrefixLengths;
  /** Time for a client to send its request headers (HTTP) or first bytes (raw TCP), ms. */
  headerTimeoutMs: number;
  /** A connection with no traffic is closed after this long, ms. */
  idleTimeoutMs: number;
  /** DNS over UDP: every Nth response over the rate limit is sent truncated (TC) instead of dropped, so real clients retry over TCP; 0 drops all. */
  slip: number;
  maxPrefixes: number;
  maxShedPrefixes: number;
}

export interface SinkholeConfig {
  dns?: ListenAddr;
  http?: ListenAddr;
  https?: ListenAddr & { cert: string; key: string };
  tcp: ListenAddr[];
  /** /metrics and /health. */
  admin?: ListenAddr;
  /** Listener processes sharing the listening sockets, each with its own journal. */
  listeners: number;
  names: SinkholedName[];
  /** A and AAAA answers for the sinkholed names. */
  answerV4: string[];
  answerV6: string[];
  ttl: number;
  /** Bot-id extractor specs (extractors.ts). */
  botId: string[];
  /** HTTP headers kept with each check-in (lower-case), besides Host and User-Agent. */
  headers: string[];
  /** Bytes of a raw TCP client's first bytes kept. */
  firstBytes: number;
  journal: JournalConfig;
  limits: Limits;
}

export const LIMIT_DEFAULTS: Limits = {
  ratePerSecond: 200,
  burst: 400,
  connectionsPerPrefix: 64,
  maxConnections: 20_000,
  prefix: DEFAULT_PREFIX,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  slip: 2,
  maxPrefixes: 100_000,
  maxShedPrefixes: 1_000,
};

export const CONFIG_DEFAULTS = {
  ttl: 300,
  headers: ['referer', 'cookie', 'x-forwarded-for', 'content-type'],
  firstBytes: 256,
  journal: JOURNAL_DEFAULTS,
};

/** Bytes read of a raw TCP client before it is logged: enough for a TLS ClientHello. */
export const TCP_READ_MAX = 4096;
