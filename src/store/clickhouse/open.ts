// Opening a ClickHouse store from its URL (url.ts): the database on every shard, the declared
// tables brought to the schema, crashed imports cleaned up.
import { TABLES, type Table } from '../schema.js';
import { Node } from './connection.js';
import { chDialect } from './dialect.js';
import { ClickHouseDriver } from './driver.js';
import { createClaimsSql } from './ids.js';
import { BATCHES, type Layout } from './layout.js';
import { stringLiteral } from './literal.js';
import { migrate } from './migrate.js';
import { parseStoreUrl } from './url.js';

export interface OpenOptions {
  /** The tables to create and converge (default: every declared table). */
  tables?: readonly Table[];
}

/** A driver for `clickhouse://user:password@host:8123/database?cluster=NAME`. */
export async function openClickHouseDriver(url: string, options: OpenOptions = {}): Promise<ClickHouseDriver> {
  const u = parseStoreUrl(url);
  const boot = new Node(u.http, u.username, u.password, 'default');
  let shardHttp = [u.http];
  try {
    if (u.cluster) {
      const rows = await boot.all<{ host_address: string }>(
        `SELECT host_address FROM system.clusters WHERE cluster = ${stringLiteral(u.cluster)} AND replica_num = 1 ORDER BY shard_num`,
      );
      if (rows.length === 0) throw new Error(`ClickHouse: no cluster ${u.cluster} in system.clusters of ${u.http}`);
      const port = new URL(u.http).port;
      shardHttp = u.shardHttp ?? rows.map((r) => `http://${r.host_address.includes(':') ? `[${r.host_address}]` : r.host_address}:${port}`);
      if (shardHttp.length !== rows.length) throw new Error(`ClickHouse: cluster ${u.cluster} has ${rows.length} shards, shard_http lists ${shardHttp.length}`);
    }
  } finally {
    await boot.close();
  }
  for (const http of shardHttp) {
    const n = new Node(http, u.username, u.password, 'default');
    try {
      await n.run(`CREATE DATABASE IF NOT EXISTS ${chDialect.quoteIdent(u.database)}`);
    } finally {
      await n.close();
    }
  }
  const shards = shardHttp.map((h) => new Node(h, u.username, u.password, u.database));
  const layout: Layout = { entry: new Node(u.http, u.username, u.password, u.database), shards, database: u.database, ...(u.cluster ? { cluster: u.cluster } : {}) };
  const tables = [...(options.tables ?? TABLES), BATCHES];
  await migrate(layout, tables);
  await shards[0]!.run(createClaimsSql(u.database));
  const driver = new ClickHouseDriver(layout, tables);
  await driver.recover();
  return driver;
}

/**
 * Whether the URL's database exists, asked of its entry node; a server that cannot be reached
 * is an error naming it (no password in it).
 */
export async function databaseExists(url: string): Promise<boolean> {
  const u = parseStoreUrl(url);
  const boot = new Node(u.http, u.username, u.password, 'default');
  try {
    const r = await boot.one<{ n: bigint }>(`SELECT count() AS n FROM system.databases WHERE name = ${stringLiteral(u.database)}`);
    return Number(r?.n ?? 0) > 0;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|socket hang up|Timeout/i.test(err.message))
      throw new Error(`cannot reach ClickHouse at ${u.http}: ${err.message.replace(/^ClickHouse: /, '').replace(/ \(in: .*$/, '')}`);
    throw e;
  } finally {
    await boot.close();
  }
}
