// What every command shares: the store location, time options, output format and errors.
import { Option, type Command } from 'commander';
import { BotcensusError } from '../core/errors.js';
import { parseTime } from '../core/time.js';
import type { Store } from '../store/store.js';
import { openStore, storeIdentity, storeLocation, StoreMissing, type StoreLocation } from '../store/open.js';
import { StoreUnavailable } from './fail.js';
import { invocation } from './invocation.js';
import { openWaiting } from './store-lock.js';
import { ensureVictimFold } from '../match/victim-fold.js';

export const DEFAULT_DB = './botcensus.duckdb';
const DAY = 86_400_000;

export interface GlobalOptions {
  db?: string;
  store?: string;
}

/**
 * The store a command works on: --store (a DuckDB path, duckdb:PATH or clickhouse://...) or --db
 * (a DuckDB file), else $BOTCENSUS_STORE, else $BOTCENSUS_DB, else ./botcensus.duckdb.
 */
export function storeLocationOf(cmd: Command): StoreLocation {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  if (g.store !== undefined && g.db !== undefined) throw new BotcensusError('USAGE', '--store and --db both name the store: give one');
  if (g.store !== undefined) return storeLocation(g.store);
  if (g.db !== undefined) return { engine: 'duckdb', path: g.db };
  if (process.env.BOTCENSUS_STORE) return storeLocation(process.env.BOTCENSUS_STORE);
  return { engine: 'duckdb', path: process.env.BOTCENSUS_DB ?? DEFAULT_DB };
}

/**
 * The store's file (DuckDB), or for a ClickHouse store a local path its side files (journals,
 * fingerprint folders) are named after: ./botcensus-clickhouse-DATABASE.
 */
export function dbPath(cmd: Command): string {
  const loc = storeLocationOf(cmd);
  return loc.engine === 'duckdb' ? loc.path : `./botcensus-clickhouse-${new URL(loc.url).pathname.replace(/^\//, '') || 'default'}`;
}

/** Opens the store a command names, waiting for a DuckDB file another process holds; `created` when it was new. */
export async function openCommandStore(loc: StoreLocation, use: StoreUse = {}): Promise<{ store: Store; created: boolean }> {
  try {
    const opened = loc.engine === 'duckdb' ? await openWaiting(loc.path, () => openStore(loc, { create: use.create })) : await openStore(loc, { create: use.create });
    // A store written before the victim fold's layout changed (or before the fold) is refolded once.
    await ensureVictimFold(opened.store.driver);
    return opened;
  } catch (e) {
    if (!(e instanceof StoreMissing)) throw e;
    const where = loc.engine === 'duckdb' ? 'check --db (or $BOTCENSUS_DB)' : 'check --store (or $BOTCENSUS_STORE)';
    throw new StoreUnavailable(`${e.message}: ${where}; \`botcensus intel import\` or \`botcensus ingest\` creates one`);
  }
}

/** How a store is named in messages: its file, or its URL without the password. */
export const storeName = (loc: StoreLocation): string => (loc.engine === 'duckdb' ? loc.path : loc.display);

export interface StoreUse {
  /** An importing command: a store that does not exist yet is created (and the user told so). */
  create?: boolean;
  /** A command that changes the store (created or not): inside a server it takes the writes' turn. */
  writes?: boolean;
}

/**
 * Opens the store for one command. A reading command refuses a path with no store (a mistyped
 * --db would otherwise answer zeros from a new empty store); an importing one creates it. Inside a
 * server, the command uses the store the server holds. DuckDB is loaded here, not at start, so that
 * --help and usage errors answer at once.
 */
export async function withStore<T>(cmd: Command, fn: (store: Store) => Promise<T>, use: StoreUse = {}): Promise<T> {
  const loc = storeLocationOf(cmd);
  const host = invocation().host;
  if (host) {
    if (storeIdentity(loc) !== host.storePath) throw new BotcensusError('USAGE', `this server holds ${host.storePath}, not ${storeIdentity(loc)}`);
    // Importing commands take the writes' turn; the others ask beside the dashboard, which goes on answering meanwhile.
    return use.create || use.writes ? host.write(fn) : host.read(fn);
  }
  const { store, created: isNew } = await openCommandStore(loc, use);
  if (isNew) process.stderr.write(`botcensus: created a new store at ${storeName(loc)}\n`);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The exit code the command ends with when it returns normally (a failed file among several, say). */
export function setExitCode(code: number): void {
  invocation().exitCode = code;
}

export function exitCode(): number | undefined {
  return invocation().exitCode;
}

export const graceOption = () =>
  new Option('--grace <days>', 'widen every indicator validity window by this many days (addresses get reassigned)').default('1');

export function graceMs(days: string): number {
  const d = Number(days);
  if (days.trim() === '' || !Number.isFinite(d) || d < 0) throw new BotcensusError('USAGE', `--grace takes a number of days, not ${JSON.stringify(days)}`);
  return d * DAY;
}

export function timeOpt(value: string | undefined, name: string, tz?: string): number | undefined {
  if (value === undefined) return undefined;
  const t = parseTime(value, { tz });
  if (t === null) throw new BotcensusError('USAGE', `${name} takes a date-time like 2024-06-01T00:00:00Z, not ${JSON.stringify(value)}`);
  return t;
}

/** `--json` is short for `--format json` on every listing command. */
export function outputFormat<T extends string>(opts: { format?: T; json?: boolean }, fallback: T): T {
  return opts.json ? ('json' as T) : (opts.format ?? fallback);
}

/** JSON with bigint and Date handled, for --json output. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x), 2) + '\n';
}

/** withStore for an importing command: creates the store when there is none yet. */
/** withStore for a command that changes an existing store (retention, enrichment, identification, sending). */
export function withWritingStore<T>(cmd: Command, fn: (store: Store) => Promise<T>): Promise<T> {
  return withStore(cmd, fn, { writes: true });
}

export function withImportStore<T>(cmd: Command, fn: (store: Store) => Promise<T>): Promise<T> {
  return withStore(cmd, fn, { create: true });
}
