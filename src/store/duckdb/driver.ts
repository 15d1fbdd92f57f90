// The DuckDB driver: the thin contract (../driver.ts) over one connection (connection.ts).
// Queries are rendered with DuckDB's dialect; values are bound, never spliced into the text.
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Capability, Driver, Row, WorkTable } from '../driver.js';
import type { Table } from '../schema.js';
import { sql, type Sql, type SqlValue, type ValueType } from '../sql.js';
import { TableAppender } from './appender.js';
import type { Db, Param } from './connection.js';
import { duckDialect } from './dialect.js';
import { withKeptTable } from './kept-tables.js';
import { createTableSql } from './migrate.js';

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['read-csv', 'read-parquet', 'read-dns-log', 'transactions', 'work-tables-per-connection', 'kept-tables']);

export class DuckDbDriver implements Driver {
  readonly dialect = duckDialect;
  readonly capabilities = CAPABILITIES;

  constructor(readonly db: Db) {}

  async run(q: Sql): Promise<void> {
    const { text, params } = this.bind(q);
    await this.db.run(text, params);
  }

  async all<T = Row>(q: Sql): Promise<T[]> {
    const { text, params } = this.bind(q);
    return this.db.all<T>(text, params);
  }

  async one<T = Row>(q: Sql): Promise<T | undefined> {
    return (await this.all<T>(q))[0];
  }

  async load(table: Table, rows: Iterable<Record<string, unknown>>, keyOf?: (column: string) => string): Promise<number> {
    const a = await TableAppender.open(this.db, table, keyOf);
    let n = 0;
    try {
      for (const r of rows) {
        a.row(r);
        n++;
      }
      a.flush();
    } finally {
      a.close();
    }
    // Derived columns (flows.src_key, ...) of the appended rows, which the appender leaves NULL.
    const derived = table.columns.filter((c) => c.from);
    if (n && derived.length)
      await this.run(
        sql`UPDATE ${sql.ident(table.name)} SET ${sql.join(derived.map((c) => sql`${sql.ident(c.name)} = ${c.from!(duckDialect)}`))}
            WHERE ${sql.join(derived.map((c) => sql`${sql.ident(c.name)} IS NULL`), sql` OR `)}`,
      );
    return n;
  }

  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.exclusive(fn);
  }

  /** Transactions run one at a time (one writer process, one queue): what an earlier one wrote is visible to a check inside the next. */
  claimFirst(): Promise<boolean> {
    return Promise.resolve(true);
  }

  withWorkTable<T>(table: Table, name: string, fn: (work: WorkTable) => Promise<T>): Promise<T> {
    return this.db.exclusive(async () => {
      const work: WorkTable = { name, ref: sql.ident(name) };
      await this.db.run(`DROP TABLE IF EXISTS ${duckDialect.quoteIdent(name)}`);
      await this.db.run(createTableSql(table, name, true));
      let out: T;
      try {
        out = await fn(work);
      } catch (err) {
        // In a failed transaction the drop fails too (the rollback drops the table): the first error is the one to report.
        await this.db.run(`DROP TABLE IF EXISTS ${duckDialect.quoteIdent(name)}`).catch(() => undefined);
        throw err;
      }
      await this.db.run(`DROP TABLE IF EXISTS ${duckDialect.quoteIdent(name)}`);
      return out;
    });
  }

  withKeptTable<T>(table: Table, key: () => Promise<string>, build: (work: WorkTable) => Promise<void>, fn: (kept: WorkTable) => Promise<T>): Promise<T> {
    return withKeptTable(this.db, table, key, build, fn);
  }

  /** The highest id handed out per table.column, so two calls before either id is stored differ. */
  private readonly lastIds = new Map<string, number>();

  /** One process holds a DuckDB file (its lock), so the stored maximum and this process's last id suffice. */
  nextId(table: string, column: string): Promise<number> {
    return this.db.exclusive(async () => {
      const r = await this.db.one<{ m: bigint | number | null }>(`SELECT max(${duckDialect.quoteIdent(column)}) AS m FROM ${duckDialect.quoteIdent(table)}`);
      const key = `${table}.${column}`;
      const id = Math.max(Number(r?.m ?? 0), this.lastIds.get(key) ?? 0) + 1;
      this.lastIds.set(key, id);
      return id;
    });
  }

  async dropRowsBefore(table: Table, column: string, beforeMs: number): Promise<void> {
    await this.run(sql`DELETE FROM ${sql.ident(table.name)} WHERE ${sql.ident(column)} < ${sql.time(beforeMs)}`);
  }

  can(capability: Capability): boolean {
    return CAPABILITIES.has(capability);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private bind(q: Sql): { text: string; params: Param[] } {
    const r = q.render(duckDialect);
    return { text: r.text, params: r.params.map((v, i) => toDuck(v, r.types[i])) };
  }
}

/** A bound value as DuckDB takes it: addresses as decimal text and times as ISO text (the placeholder casts them). */
function toDuck(v: SqlValue, type: ValueType | undefined): Param {
  if (v === null) return null;
  if (type === 'address') return (v as bigint).toString();
  if (type === 'time') return new Date(v as number).toISOString();
  if (Array.isArray(v)) return listValue(v as DuckDBValue[]);
  return v as Param;
}
