// The ClickHouse driver: the thin contract (../driver.ts) over one node or the shards of a
// cluster (layout.ts). Values are literals (18.16 has no query parameters); writes inside
// `atomically` carry their batch and appear when it is marked done (batches.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Capability, Driver, Row, WorkTable } from '../driver.js';
import type { Dialect } from '../dialect.js';
import type { Table } from '../schema.js';
import { sql, type Sql } from '../sql.js';
import { cleanCrashedBatches, HEARTBEAT_MS, recordBatch, removeBatchRows, waitForMutations } from './batches.js';
import { asyncMutationOf, mutationOf, type Mutation } from './mutation.js';
import { globalSubqueries } from './global.js';
import { listDoneBatches } from './done-batches.js';
import { BATCH_COLUMN, createTableSql, dayColumn } from './ddl.js';
import { dropDaysBefore } from './retention.js';
import { chDialect, visibleIn } from './dialect.js';
import { encodeRows } from './encode.js';
import { claimId } from './ids.js';
import { claimFirst } from './claims.js';
import { withKeptTable } from './kept-tables.js';
import { ClickHouseQueryError, type Node } from './connection.js';
import { systemTables } from './system-tables.js';
import { rowTable, type Layout } from './layout.js';
import { addInsertBatch, IDENT } from './insert-batch.js';

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['kept-tables']);
const q = chDialect.quoteIdent;

/** Runs calls one after another (exclusive sections, one batch at a time); a call from inside one runs at once. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<boolean>();
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) return fn();
    const section = () => this.inside.run(true, fn);
    const next = this.tail.then(section, section);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export class ClickHouseDriver implements Driver {
  readonly capabilities = CAPABILITIES;
  /** The batch the calling code runs in (inside `atomically`'s fn), if any. */
  private readonly batches = new AsyncLocalStorage<{ id: number; tables: Set<string> }>();
  private readonly sections = new Queue();
  /** Table engines by name, to merge keyed tables after writes (see replaceInto). */
  private readonly engines = new Map<string, string>();

  constructor(readonly layout: Layout, private readonly tables: readonly Table[]) {}

  private get batch(): { id: number; tables: Set<string> } | undefined {
    return this.batches.getStore();
  }

  /** The dialect, with visibleRows seeing the caller's own open batch. */
  get dialect(): Dialect {
    const batch = this.batch;
    const mine = batch ? [batch.id] : [];
    const cluster = this.layout.cluster !== undefined;
    return { ...chDialect, visibleRows: (t) => visibleIn(t, cluster, mine) };
  }

  /** Removes crashed imports' rows (see batches.ts); run when the store is opened. */
  async recover(): Promise<number[]> {
    return cleanCrashedBatches(this.layout, this.tables.map((t) => t.name));
  }

  /**
   * A query's text as sent: on a cluster its subqueries and joins GLOBAL (global.ts), and its
   * visibility tests written with the finished batches read once (done-batches.ts).
   */
  private async queryText(text: string): Promise<string> {
    return this.layout.cluster ? listDoneBatches(this.layout.entry, globalSubqueries(text)) : text;
  }

  async run(query: Sql): Promise<void> {
    const rendered = query.render(this.dialect).text;
    // Mutations run on each shard's own table, where GLOBAL has nothing to send.
    const mutation = mutationOf(rendered);
    if (mutation) return this.mutate(mutation);
    const later = asyncMutationOf(rendered);
    if (later) {
      for (const node of this.layout.shards) await node.run(`ALTER TABLE ${q(rowTable(this.layout, later.table))} ${later.action}`);
      return;
    }
    let text = await this.queryText(rendered);
    const target = insertTarget(text);
    const batch = this.batch;
    if (target && batch) {
      text = addInsertBatch(text, batch.id);
      batch.tables.add(target);
    }
    await this.layout.entry.run(text);
    if (target) await this.mergeIfKeyed(target);
  }

  async all<T = Row>(query: Sql): Promise<T[]> {
    return this.layout.entry.all<T>(await this.queryText(query.render(this.dialect).text));
  }

  async one<T = Row>(query: Sql): Promise<T | undefined> {
    return (await this.all<T>(query))[0];
  }

  async load(table: Table, rows: Iterable<Record<string, unknown>>, keyOf: (column: string) => string = (c) => c): Promise<number> {
    // An INSERT without rows is an error on current releases (NO_DATA_TO_INSERT): nothing is sent.
    const it = rows[Symbol.iterator]();
    const head = it.next();
    if (head.done) return 0;
    rows = (function* () {
      yield head.value;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    })();
    const columns = table.columns.filter((c) => !c.from);
    const names = columns.map((c) => q(c.name));
    const extra: string[] = [];
    const batch = this.batch;
    if (batch) {
      names.push(q(BATCH_COLUMN));
      extra.push(String(batch.id));
      batch.tables.add(table.name);
    }
    let n = 0;
    const counted = (function* () {
      for (const r of rows) {
        n++;
        yield r;
      }
    })();
    await this.layout.entry.insert(`${q(table.name)} (${names.join(', ')})`, encodeRows(columns, counted, keyOf, extra));
    if (n > 0) await this.mergeIfKeyed(table.name);
    return n;
  }

  /**
   * What `fn` writes carries a new batch id and becomes visible to other readers when the batch
   * is recorded done; when `fn` throws, the batch is recorded failed and its rows deleted. The
   * batch belongs to `fn`'s async context: the driver's other callers meanwhile are outside it
   * (and do not see its rows); a call inside a batch joins it.
   */
  async atomically<T>(fn: () => Promise<T>): Promise<T> {
    if (this.batch) return fn();
    const id = await this.nextId('_batches', 'batch');
    await recordBatch(this.layout.entry, id, 'open');
    const batch = { id, tables: new Set<string>() };
    // Other hosts tell a running import from a crashed one by these (see batches.ts).
    const alive = setInterval(() => void recordBatch(this.layout.entry, id, 'alive').catch(() => undefined), HEARTBEAT_MS);
    alive.unref();
    let out: T;
    try {
      out = await this.batches.run(batch, fn);
    } catch (e) {
      clearInterval(alive);
      try {
        await recordBatch(this.layout.entry, id, 'failed');
        await removeBatchRows(this.layout, id, batch.tables);
      } catch {
        // The import's own error is the one to report; its rows stay hidden (the batch is not
        // done) and are removed when a store is next opened on this host.
      }
      throw e;
    }
    clearInterval(alive);
    await recordBatch(this.layout.entry, id, 'done');
    return out;
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.sections.run(fn);
  }

  /** A Memory table on the entry node under a name of its own (work tables are shared by name otherwise). */
  async withWorkTable<T>(table: Table, name: string, fn: (work: WorkTable) => Promise<T>): Promise<T> {
    const unique = `${name}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const work: WorkTable = { name: unique, ref: sql.ident(unique) };
    const ddl = createTableSql(table, unique, this.layout.database).replace(/ ENGINE = .*$/s, ' ENGINE = Memory');
    await this.layout.entry.run(ddl);
    try {
      return await fn(work);
    } finally {
      await this.layout.entry.run(`DROP TABLE IF EXISTS ${q(unique)}`);
    }
  }

  withKeptTable<T>(table: Table, key: () => Promise<string>, build: (work: WorkTable) => Promise<void>, fn: (kept: WorkTable) => Promise<T>): Promise<T> {
    return withKeptTable(this.layout.entry, this.layout.database, table, key, build, fn);
  }

  /** The first claimant of `key` among the batches of every process writing this store (claims.ts); outside a batch, rows show at once and there is no claim to hold. */
  claimFirst(key: string): Promise<boolean> {
    const batch = this.batch;
    if (!batch) return Promise.resolve(true);
    return claimFirst(this.layout, batch.id, key, this.tables.map((t) => t.name));
  }

  /** A new id for `column` of `table`, unique among every process writing this store (ids.ts). */
  nextId(table: string, column: string): Promise<number> {
    return claimId(this.layout.shards[0]!, this.layout.entry, table, column);
  }

  async dropRowsBefore(table: Table, column: string, beforeMs: number): Promise<void> {
    if (dayColumn(table) !== column) throw new Error(`${table.name} is not partitioned by the day of ${column}`);
    await dropDaysBefore(this.layout, table, beforeMs);
  }

  can(capability: Capability): boolean {
    return CAPABILITIES.has(capability);
  }

  async close(): Promise<void> {
    const nodes = new Set([this.layout.entry, ...this.layout.shards]);
    await Promise.all([...nodes].map((n) => n.close()));
  }

  /**
   * A DELETE or UPDATE (mutation.ts) on every shard whose table holds matching rows, waited for.
   * A delete of a keyed table merges its parts first: a row replaced but not yet merged away would
   * otherwise come back.
   */
  private async mutate(m: Mutation): Promise<void> {
    const local = rowTable(this.layout, m.table);
    for (const node of this.layout.shards) {
      const has = await node.one<{ n: bigint }>(`SELECT count() AS n FROM ${q(local)} WHERE ${m.where}`);
      if (!has || has.n === 0n) continue;
      await node.run(`ALTER TABLE ${q(local)} ${m.action}`);
      await waitForMutations(node, this.layout.database, local);
    }
  }

  /**
   * A keyed table (ReplacingMergeTree) keeps one row per key only once its parts merge: merged
   * at once on every shard, so a replaced row is gone when the write returns.
   */
  private async mergeIfKeyed(table: string): Promise<void> {
    const local = rowTable(this.layout, table);
    let engine = this.engines.get(local);
    if (engine === undefined) {
      const [r] = await systemTables<{ engine: string }>(
        this.layout.shards[0]!,
        sql`SELECT engine FROM system.tables WHERE database = ${this.layout.database} AND name = ${local}`.render(chDialect).text,
      );
      engine = r?.engine ?? '';
      this.engines.set(local, engine);
    }
    if (!engine.startsWith('Replacing')) return;
    for (const node of this.layout.shards) await optimizeFinal(node, local);
  }
}

const INSERT_INTO = new RegExp(`^\\s*INSERT\\s+INTO\\s+((?:${IDENT}\\s*\\.\\s*)?${IDENT})`, 'i');

/** The table an INSERT statement writes (its last name when qualified), or undefined for any other statement. */
export function insertTarget(text: string): string | undefined {
  const m = INSERT_INTO.exec(text);
  if (!m) return undefined;
  const last = new RegExp(`${IDENT}$`).exec(m[1]!)![0];
  if (last.startsWith('`')) return last.slice(1, -1).replace(/\\(.)/g, '$1');
  if (last.startsWith('"')) return last.slice(1, -1).replace(/""/g, '"');
  return last;
}

/**
 * Merges every part of a table. OPTIMIZE does nothing, silently, while a background merge holds
 * the parts: it is told to say so (optimize_throw_if_noop) and tried again until it merged.
 */
async function optimizeFinal(node: Node, table: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await node.run(`OPTIMIZE TABLE ${q(table)} FINAL`, { optimize_throw_if_noop: 1 });
      return;
    } catch (e) {
      const noop = e instanceof ClickHouseQueryError && (e.serverCode === '388' || /Cannot select parts/.test(e.message));
      if (attempt >= 200 || !noop) throw e;
      await new Promise((ok) => setTimeout(ok, 25));
    }
  }
}
