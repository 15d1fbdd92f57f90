// Choosing and opening the store: a DuckDB file (the default) or a ClickHouse database, named by
// one location string. The CLI and the server open every store through openStore.
//   clickhouse://user:password@host:8123/database[?cluster=NAME[&shard_http=HOST:PORT,...]]
//   duckdb:PATH, or a plain file path
// Each engine's code is loaded only when a store of it is opened.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import type { GeoSource } from '../core/geo-data.js';
import type { Store } from './store.js';

export type StoreLocation =
  | { engine: 'duckdb'; path: string }
  /** `display`: the URL without its password, for messages. */
  | { engine: 'clickhouse'; url: string; display: string };

/** A reading command's store that does not exist (opening it would make a new empty one). */
export class StoreMissing extends Error {}

/** The location a `--store` value (or `$BOTCENSUS_STORE`) names; a malformed one is a USAGE error. */
export function storeLocation(spec: string): StoreLocation {
  if (spec.trim() === '') throw new BotcensusError('USAGE', 'the store location is empty: give a DuckDB file path or clickhouse://user:password@host:8123/database');
  if (/^clickhouse:/i.test(spec)) {
    let u: URL;
    try {
      u = new URL(spec);
    } catch {
      throw new BotcensusError('USAGE', `not a ClickHouse store URL: ${redact(spec)} (write clickhouse://user:password@host:8123/database)`);
    }
    if (!u.hostname) throw new BotcensusError('USAGE', `the ClickHouse store URL names no host: ${redact(spec)}`);
    if (u.port && !/^\d+$/.test(u.port)) throw new BotcensusError('USAGE', `the ClickHouse store URL's port is not a number: ${redact(spec)}`);
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (db !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(db))
      throw new BotcensusError('USAGE', `the ClickHouse database name must be letters, digits and _, not ${JSON.stringify(db)}`);
    for (const k of u.searchParams.keys())
      if (k !== 'cluster' && k !== 'shard_http') throw new BotcensusError('USAGE', `the ClickHouse store URL takes cluster= and shard_http=, not ${k}=`);
    return { engine: 'clickhouse', url: spec, display: redact(spec) };
  }
  if (/^duckdb:/i.test(spec)) {
    const path = spec.slice('duckdb:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new BotcensusError('USAGE', 'duckdb: names no file: write duckdb:PATH');
    return { engine: 'duckdb', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) throw new BotcensusError('USAGE', `unknown store engine in ${redact(spec)}: use a DuckDB file path or clickhouse://`);
  return { engine: 'duckdb', path: spec };
}

/** The URL with its password replaced by ***. */
function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** What identifies a store: a DuckDB file's absolute path, a ClickHouse URL without its password. */
export function storeIdentity(loc: StoreLocation): string {
  return loc.engine === 'duckdb' ? resolve(loc.path) : loc.display;
}

export interface OpenStoreOptions {
  /** An importing command: a store that does not exist yet is made (else StoreMissing). */
  create?: boolean;
  /** DuckDB's worker threads and memory limit. */
  threads?: number;
  memoryLimit?: string;
  geo?: GeoSource;
}

/** Opens the store at `loc`; `created` says it did not exist before. */
export async function openStore(loc: StoreLocation, o: OpenStoreOptions = {}): Promise<{ store: Store; created: boolean }> {
  if (loc.engine === 'duckdb') {
    const created = !existsSync(loc.path);
    if (created && !o.create) throw new StoreMissing(`no store at ${loc.path}`);
    const { DuckDbStore } = await import('./duckdb/index.js');
    return { store: await DuckDbStore.open(loc.path, { threads: o.threads, memoryLimit: o.memoryLimit, geo: o.geo }), created };
  }
  const [{ databaseExists, openClickHouseDriver }, { ClickHouseStore }] = await Promise.all([import('./clickhouse/open.js'), import('./clickhouse/store.js')]);
  let exists: boolean;
  try {
    exists = await databaseExists(loc.url);
  } catch (e) {
    throw new BotcensusError('STORE', (e as Error).message.split('\n')[0]!);
  }
  if (!exists && !o.create) throw new StoreMissing(`no ClickHouse database at ${loc.display}`);
  const driver = await openClickHouseDriver(loc.url);
  return { store: new ClickHouseStore(driver, o.geo), created: !exists };
}
