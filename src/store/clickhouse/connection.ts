// One ClickHouse node over HTTP (@clickhouse/client): statements, result bytes, inserts of
// TabSeparated rows. Every query's text is complete (values are literals, see literal.ts).
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { Row } from '../driver.js';
import { decodeRows } from './decode.js';
import { logStatement } from './statement-log.js';

/** Settings every request carries: inserts through a Distributed table reach the shards before they return. */
const SETTINGS = { insert_distributed_sync: 1 } as const;

export class Node {
  private readonly client: ClickHouseClient;

  constructor(readonly http: string, username: string, password: string, readonly database: string) {
    this.client = createClient({ url: http, username, password, database, request_timeout: 600_000,
      compression: { request: false, response: false },
      // A failed statement reaches the caller as an error with its text; the client need not print it too.
      log: { level: ClickHouseLogLevel.OFF },
      // Progress headers keep a long import's connection alive through proxies.
      clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '60000' },
    });
  }

  /** Runs a statement; `settings` are this request's own, beside the usual ones. */
  async run(query: string, settings: Record<string, number> = {}): Promise<void> {
    try {
      await this.client.command({ query, clickhouse_settings: { ...SETTINGS, ...settings } as never });
      logStatement({ db: this.database, kind: 'run', sql: query });
    } catch (e) {
      logStatement({ db: this.database, kind: 'run', sql: query, failed: true });
      throw queryError(e, query);
    }
  }

  async all<T = Row>(query: string): Promise<T[]> {
    try {
      const r = await this.client.exec({ query: `${query}\nFORMAT TabSeparatedWithNamesAndTypes`, clickhouse_settings: SETTINGS as never });
      const chunks: Buffer[] = [];
      for await (const c of r.stream) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      logStatement({ db: this.database, kind: 'all', sql: query, result: body });
      return decodeRows<T>(body);
    } catch (e) {
      if (!(e instanceof ClickHouseQueryError)) logStatement({ db: this.database, kind: 'all', sql: query, failed: true });
      throw queryError(e, query);
    }
  }

  async one<T = Row>(query: string): Promise<T | undefined> {
    return (await this.all<T>(query))[0];
  }

  /** INSERT ... FORMAT TabSeparated with the rows from `data`. */
  async insert(into: string, data: Iterable<Buffer>): Promise<void> {
    const query = `INSERT INTO ${into} FORMAT TabSeparated`;
    const sent = logStatement.enabled() ? [...data] : data;
    logStatement({ db: this.database, kind: 'insert', sql: query, data: sent as Buffer[] });
    try {
      const r = await this.client.exec({ query, values: Readable.from(sent), clickhouse_settings: SETTINGS as never });
      for await (const _ of r.stream) void _;
    } catch (e) {
      throw queryError(e, query);
    }
  }

  async ping(): Promise<boolean> {
    return (await this.client.ping()).success;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** A failed statement: the server's message and the statement (its values are in its text). */
export class ClickHouseQueryError extends Error {
  readonly code = 'STORE_QUERY';
  constructor(message: string, readonly sql: string, readonly serverCode?: string) {
    super(message);
  }
}

function queryError(e: unknown, query: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return new ClickHouseQueryError(`ClickHouse: ${msg.split('\n')[0]} (in: ${query.slice(0, 300)})`, query, code === undefined ? undefined : String(code));
}
