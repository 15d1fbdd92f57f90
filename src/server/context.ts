// What every route shares: the store behind the gate, cached answers, options, and the caller's
// owner scope (the one thing that keeps an owner's answers to its own networks).
import type { FastifyRequest } from 'fastify';
import type { Role } from '../store/access.js';
import type { Store } from '../store/store.js';
import { AnswerCache } from './cache.js';
import { HttpError } from './errors.js';
import { StoreGate } from './gate.js';
import { MapDrawer } from './map-drawer.js';
import { dataVersion } from '../store/data-version.js';

export interface ServerOptions {
  /** Widening of indicator validity windows for lookups, ms (default one day, as the CLI). */
  graceMs?: number;
  /** Session lifetime, ms (default 12 hours). */
  sessionTtlMs?: number;
  /** Largest accepted upload, bytes (default: BOTCENSUS_MAX_UPLOAD_BYTES, or 1 GiB). */
  maxUploadBytes?: number;
  /** Force the cookie's Secure flag; by default it is set when the request came over TLS. */
  secureCookies?: boolean;
  /** Behind a TLS-terminating proxy: take the protocol and client address from X-Forwarded-*. */
  trustProxy?: boolean;
  https?: { key: Buffer; cert: Buffer };
  /** Folder of the built web app (default dist-web/ at the package root); null serves no web app. */
  webRoot?: string | null;
  /** Fastify request logging (default off). */
  logger?: boolean;
  /** Cached answers kept (default 500). */
  cacheEntries?: number;
  /** Compute the overview's first answers in the background at start and after each import (serve does). */
  warm?: boolean;
  /**
   * The store on a connection of its own for the routes' questions (Store.reader): they then see
   * committed data and do not wait for imports, which run on `store`. Default: a reader of `store`
   * where the engine has one, else `store` itself.
   */
  readStore?: Store;
  /** What the process running the server does besides (drop folders, retention), for the imports page. */
  operations?: () => OperationsStatus;
  /** Where the warm-up says it started and that the server is ready (serve: the console). */
  announce?: (line: string) => void;
}

/** A running server's upkeep as the dashboard shows it. */
export interface OperationsStatus {
  /** The store file and its size in bytes (with its write-ahead log). */
  store?: { path: string; bytes: number };
  dropFolders?: {
    folders: { dir: string; intel: boolean }[];
    recent: { file: string; folder: string; status: string; detail: string; at: Date }[];
    rejected: { file: string; folder: string; status: string; detail: string; at: Date }[];
  };
  /** Raw telemetry retention in days, where set. */
  retention?: { flowsDays?: number; logsDays?: number; lastRun?: Date };
}

export interface Principal {
  tokenId: string;
  role: Role;
  owner?: string;
  via: 'bearer' | 'session';
  /** SHA-256 of the session id, for sign-out. */
  sessionHash?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** No sign-in needed (health check, sign-in, the web app's static files). */
    public?: boolean;
    /** Roles that may call the route; a route with neither `public` nor `allow` is closed to all. */
    allow?: readonly Role[];
  }
}

/** What /api/health reports: `warming` while the background warm-up prepares the dashboard's answers. */
export interface WarmUpState {
  status: 'ok' | 'warming';
  /** Steps of the warm-up done and in all (both 0 when none ran). */
  done: number;
  total: number;
  /** What is being prepared now. */
  step?: string;
}

/** How long a verified token or session is trusted from memory before the store is asked again. */
const AUTH_MEMORY_MS = 30_000;

export const ALL_ROLES: readonly Role[] = ['admin', 'analyst', 'owner'];
export const STAFF: readonly Role[] = ['admin', 'analyst'];
export const ADMIN: readonly Role[] = ['admin'];

export class ServerContext {
  /** The questions' turn on the read connection. */
  readonly gate = new StoreGate();
  /** The writes' turn (imports): the same gate when there is one connection. */
  readonly writeGate: StoreGate;
  readonly readStore: Store;
  readonly cache: AnswerCache;
  readonly graceMs: number;
  readonly maps = new MapDrawer();
  /** Kept in memory so /api/health never waits for the store or the event loop's heavy work. */
  warmUpState: WarmUpState = { status: 'ok', done: 0, total: 0 };
  /**
   * The store's data version, read once and kept: while the server runs it holds the store file
   * (DuckDB admits one writing process), so only its own imports change the data, and they call
   * dataChanged(). Cached answers then need no turn at the store gate to be found valid.
   */
  private version?: Promise<string>;
  /** Principals verified recently, by token or session hash (see AUTH_MEMORY_MS). */
  private readonly principals = new Map<string, { principal: Principal; until: number }>();

  constructor(
    readonly store: Store,
    readonly opts: ServerOptions,
    /** A read connection buildServer opened for this server (closed with it); else opts.readStore or the store. */
    ownReader?: Store,
    private readonly ownsReadStore = ownReader !== undefined,
  ) {
    this.readStore = ownReader ?? opts.readStore ?? store;
    this.writeGate = this.readStore === store ? this.gate : new StoreGate();
    this.cache = new AnswerCache(opts.cacheEntries ?? 500);
    this.graceMs = opts.graceMs ?? 86_400_000;
  }

  private closed = false;
  /** The latest warm-up (see warmUp in queries.ts); resolved when none ran. */
  warming: Promise<void> = Promise.resolve();

  /** Runs one question through the gate; none starts once the server is closing. */
  read<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.gate.run(() => (this.closed ? Promise.reject(new Error('server closed')) : fn(this.readStore)));
  }

  /** Runs one change to the store (an import) in the writes' turn. */
  write<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.writeGate.run(() => (this.closed ? Promise.reject(new Error('server closed')) : fn(this.store)));
  }

  /** Refuses new store operations and waits for the running ones, so the store can be closed safely. */
  async close(): Promise<void> {
    this.closed = true;
    await this.maps.close();
    await this.gate.run(async () => undefined);
    await this.writeGate.run(async () => undefined);
    if (this.tokenStore) await (await this.tokenStore).close();
    if (this.readStore !== this.store && this.ownsReadStore) await this.readStore.close();
  }

  /** The data version (see `version`). */
  dataVersion(): Promise<string> {
    const v = (this.version ??= this.read((s) => dataVersion(s.driver)));
    v.catch(() => {
      if (this.version === v) this.version = undefined;
    });
    return v;
  }

  /** After an import through this server (or the warm-up's folding): cached answers and the version are stale. */
  dataChanged(): void {
    this.version = undefined;
    this.cache.clear();
  }

  /**
   * Runs token and session work on a connection of its own where the store has one to give (no wait
   * behind long questions or an import: sign-in during the warm-up), else through the gate.
   */
  async tokens<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('server closed');
    this.tokenStore ??= this.store.reader?.();
    if (!this.tokenStore) return this.read(fn);
    return fn(await this.tokenStore);
  }
  private tokenStore?: Promise<Store>;

  /** A principal verified less than AUTH_MEMORY_MS ago under `key`, or verifies it with `fn` and keeps it. */
  async principalFor(key: string, fn: () => Promise<Principal>): Promise<Principal> {
    const hit = this.principals.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const p = await fn();
    if (this.principals.size > 10_000) this.principals.clear();
    this.principals.set(key, { principal: p, until: Date.now() + AUTH_MEMORY_MS });
    return p;
  }

  /** After a token is revoked or a session ends: verify every caller against the store again. */
  authChanged(): void {
    this.principals.clear();
  }

  /** A store answer cached per data version and per caller scope, so owners never share entries. */
  cached<T>(req: FastifyRequest, name: string, params: unknown, fn: (store: Store) => Promise<T>): Promise<T> {
    return this.memo(req, name, params, () => this.read(fn));
  }

  /** Like cached(), for work derived from store answers outside the gate (drawing a chart). */
  async memo<T>(req: FastifyRequest, name: string, params: unknown, fn: () => Promise<T>): Promise<T> {
    const version = await this.dataVersion();
    const scope = ownerScope(req);
    const key = `${scope === undefined ? 'all' : 'owner:' + scope}\u0000${name}\u0000${JSON.stringify(params)}`;
    return this.cache.get(key, version, fn);
  }
}

export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new HttpError(401, 'unauthorized', 'sign in or send Authorization: Bearer TOKEN');
  return req.principal;
}

/** The owner a request is confined to: its own for an owner token, none for admin and analyst. */
export function ownerScope(req: FastifyRequest): string | undefined {
  const p = principal(req);
  if (p.role !== 'owner') return undefined;
  if (!p.owner) throw new HttpError(403, 'forbidden', 'this owner token names no owner');
  return p.owner;
}
