// The store URL of a ClickHouse store:
//   clickhouse://user:password@host:8123/database[?cluster=NAME[&shard_http=HOST:PORT,HOST:PORT]]
// `cluster` names a `remote_servers` cluster: local tables on every shard, Distributed tables
// over them. DDL goes to each shard over HTTP; a shard's HTTP endpoint is its host from
// system.clusters at the URL's port, unless `shard_http` lists them (in system.clusters order).

export interface StoreUrl {
  /** The entry node's HTTP endpoint, `http://host:port`. */
  http: string;
  username: string;
  password: string;
  database: string;
  cluster?: string;
  /** The shards' HTTP endpoints when given in the URL. */
  shardHttp?: string[];
}

export function parseStoreUrl(url: string): StoreUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a store URL: ${url}`);
  }
  if (u.protocol !== 'clickhouse:') throw new Error(`not a clickhouse:// store URL: ${url}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'default';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`database name must be letters, digits and _: ${database}`);
  const cluster = u.searchParams.get('cluster') ?? undefined;
  const shardHttp = u.searchParams.get('shard_http')?.split(',').filter(Boolean).map((h) => `http://${h}`);
  return {
    http: `http://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${u.port || '8123'}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
    ...(cluster ? { cluster } : {}),
    ...(shardHttp ? { shardHttp } : {}),
  };
}
