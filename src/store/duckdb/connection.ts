// A thin DuckDB connection wrapper: parameterised queries returning plain JS rows, and
// transactions. Values are always bound as parameters, never spliced into SQL text.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { BotcensusError } from '../../core/errors.js';

export type Param = DuckDBValue | bigint | number | string | boolean | null;
export type Row = Record<string, unknown>;
/** Positional ($1, ?) or named ($name) parameters. */
export type Params = Param[] | Record<string, Param>;

/**
 * BOTCENSUS_DEBUG_SQL=1 prints each statement's duration and start to stderr, for profiling;
 * BOTCENSUS_DEBUG_SQL=full prints whole statements, one per line, to replay under EXPLAIN ANALYZE.
 */
const DEBUG_SQL = process.env.BOTCENSUS_DEBUG_SQL;

function debugSql(sql: string, started: number): void {
  if (DEBUG_SQL !== '1' && DEBUG_SQL !== 'full') return;
  // On one line, so without the -- comments (which would swallow the rest of the statement).
  const text = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ');
  process.stderr.write(`[sql ${(performance.now() - started).toFixed(0)} ms] ${DEBUG_SQL === 'full' ? text : text.slice(0, 140)}\n`);
}

export class Db {
  /** The tail of the queue of exclusive sections (see `exclusive`). */
  private queue: Promise<void> = Promise.resolve();
  /** Which Db's exclusive section the current async context is inside, so sections can nest. */
  private static readonly holder = new AsyncLocalStorage<Db>();
  /** Per database: the tail of the queue of sections that use the window tables (see `windowed`). */
  private static readonly windowQueues = new WeakMap<DuckDBInstance, { tail: Promise<void> }>();
  private static readonly windowHolder = new AsyncLocalStorage<DuckDBInstance>();

  private constructor(
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
    /** A second connection to an instance another Db owns: closing it leaves the instance open. */
    private readonly borrowed = false,
  ) {}

  /**
   * Another connection to the same database, with its own queue of exclusive sections: it reads
   * the last committed data while this one holds a transaction open (DuckDB's MVCC), so a server's
   * questions need not wait for an import.
   */
  async reader(): Promise<Db> {
    return new Db(this.instance, await this.instance.connect(), this.path, true);
  }

  static async open(path: string, threads?: number, memoryLimit?: string): Promise<Db> {
    const opts: Record<string, string> = {};
    if (threads) opts.threads = String(threads);
    if (memoryLimit) opts.memory_limit = memoryLimit;
    try {
      const instance = await DuckDBInstance.create(path, opts);
      const conn = await instance.connect();
      return new Db(instance, conn, path);
    } catch (err) {
      throw new BotcensusError('STORE', `cannot open store ${path}: ${(err as Error).message}`, {}, { cause: err });
    }
  }

  async run(sql: string, params: Params = []): Promise<void> {
    const started = performance.now();
    try {
      if (hasParams(params)) await this.conn.run(sql, params as DuckDBValue[]);
      else await this.conn.run(sql);
      debugSql(sql, started);
    } catch (err) {
      throw queryError(err, sql, params);
    }
  }

  /** Rows as plain objects: BIGINT/HUGEINT as bigint, TIMESTAMP as Date, lists as arrays. */
  async all<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    const started = performance.now();
    try {
      const reader = hasParams(params)
        ? await this.conn.runAndReadAll(sql, params as DuckDBValue[])
        : await this.conn.runAndReadAll(sql);
      debugSql(sql, started);
      return reader.getRowObjectsJS() as T[];
    } catch (err) {
      throw queryError(err, sql, params);
    }
  }

  async one<T = Row>(sql: string, params: Params = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Runs `fn` alone on the connection. Work of several statements that shares connection state
   * (temp tables such as the census's, the constituency, an open transaction) must not interleave
   * with another caller's: the server and the report ask several questions at once. Sections
   * nest: inside one, `exclusive` runs `fn` at once.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (Db.holder.getStore() === this) return fn();
    const before = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => (release = r));
    await before;
    try {
      return await Db.holder.run(this, fn);
    } finally {
      release();
    }
  }

  /**
   * An exclusive section that reads or builds the tables kept in the store (kept-tables.ts).
   * Those are shared by every connection to the database, so such sections run one at a time across
   * connections too (a server's read connection and another's): one cannot drop a window table
   * another is reading. Imports take no part in it, so questions never wait for them here.
   */
  windowed<T>(fn: () => Promise<T>): Promise<T> {
    // This connection's turn first (taken at once, so questions and writes on it keep their order),
    // then the database's: its holder never waits for another connection, so neither can deadlock.
    return this.exclusive(async () => {
      if (Db.windowHolder.getStore() === this.instance) return fn();
      let q = Db.windowQueues.get(this.instance);
      if (!q) Db.windowQueues.set(this.instance, (q = { tail: Promise.resolve() }));
      const before = q.tail;
      let release!: () => void;
      q.tail = new Promise<void>((r) => (release = r));
      await before;
      try {
        return await Db.windowHolder.run(this.instance, fn);
      } finally {
        release();
      }
    });
  }

  /** Runs `fn` in a transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.run('BEGIN TRANSACTION');
      try {
        const out = await fn();
        await pauseBeforeCommit();
        await this.run('COMMIT');
        return out;
      } catch (err) {
        await this.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): void {
    this.conn.closeSync();
    if (!this.borrowed) this.instance.closeSync();
  }
}

/**
 * For the crash test only: BOTCENSUS_TEST_PAUSE_BEFORE_COMMIT=ms holds every transaction open,
 * all its work done, and says so on stderr, so a test can kill the process at that moment.
 */
async function pauseBeforeCommit(): Promise<void> {
  const ms = Number(process.env.BOTCENSUS_TEST_PAUSE_BEFORE_COMMIT ?? 0);
  if (!ms) return;
  process.stderr.write('botcensus-test: transaction ready to commit\n');
  await new Promise((r) => setTimeout(r, ms));
}

function hasParams(p: Params): boolean {
  return Array.isArray(p) ? p.length > 0 : Object.keys(p).length > 0;
}

function queryError(err: unknown, sql: string, params: Params): BotcensusError {
  const e = new BotcensusError('STORE', (err as Error).message, {}, { cause: err });
  Object.assign(e, { sql, params });
  return e;
}
