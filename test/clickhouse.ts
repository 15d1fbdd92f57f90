// ClickHouse endpoints for tests: one node and a two-shard cluster. From
// $BOTCENSUS_TEST_CLICKHOUSE / $BOTCENSUS_TEST_CLICKHOUSE_CLUSTER when set (store URLs, see
// src/store/clickhouse/url.ts), else server processes of their own (clickhouse-server from
// Debian's package) on free loopback ports, each with its own config and data folder, stopped when
// the test process ends. Without the binary the tests are skipped with the reason, never passed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ClickHouseEndpoint {
  /** A store URL whose database does not exist yet: each call gives a new one. */
  freshUrl(): string;
  /**
   * Stops the servers this helper started; on servers from the environment, drops the databases
   * the tests made instead.
   */
  stop(): Promise<void>;
}

/** An endpoint, or the reason the ClickHouse tests are skipped. */
export type ClickHouseForTests = { endpoint: ClickHouseEndpoint; skip?: undefined } | { endpoint?: undefined; skip: string };

const BINARY = 'clickhouse-server';
const CLUSTER = 'botcensus_test';
const started: ChildProcess[] = [];
process.on('exit', () => {
  for (const p of started) p.kill('SIGTERM');
});

/** One ClickHouse node. */
export async function clickHouseNode(): Promise<ClickHouseForTests> {
  const fromEnv = process.env.BOTCENSUS_TEST_CLICKHOUSE;
  if (fromEnv) return { endpoint: envEndpoint(fromEnv) };
  const missing = binaryMissing();
  if (missing) return { skip: missing };
  const [http, tcp] = await freePorts(2);
  const proc = await startServer({ http: http!, tcp: tcp! }, []);
  return { endpoint: localEndpoint([proc], `clickhouse://default@127.0.0.1:${http}`, '') };
}

/** Two server processes as the two shards of one cluster (`remote_servers` naming both). */
export async function clickHouseCluster(): Promise<ClickHouseForTests> {
  const fromEnv = process.env.BOTCENSUS_TEST_CLICKHOUSE_CLUSTER;
  if (fromEnv) return { endpoint: envEndpoint(fromEnv) };
  const missing = binaryMissing();
  if (missing) return { skip: missing };
  const [h1, t1, h2, t2] = await freePorts(4);
  const shards = [
    { http: h1!, tcp: t1! },
    { http: h2!, tcp: t2! },
  ];
  const procs = await Promise.all(shards.map((s) => startServer(s, shards)));
  const httpList = shards.map((s) => `127.0.0.1:${s.http}`).join(',');
  return { endpoint: localEndpoint(procs, `clickhouse://default@127.0.0.1:${h1}`, `?cluster=${CLUSTER}&shard_http=${httpList}`) };
}

function envEndpoint(url: string): ClickHouseEndpoint {
  const u = new URL(url);
  const made: string[] = [];
  const nodes = (u.searchParams.get('shard_http')?.split(',') ?? [`${u.hostname}:${u.port || 8123}`]).map((h) => `http://${h}/`);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(u.username) || 'default'}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  return {
    freshUrl() {
      const v = new URL(u.href);
      const name = freshName();
      made.push(name);
      v.pathname = `/${name}`;
      return v.href;
    },
    async stop() {
      for (const node of nodes) {
        for (const name of made) await fetch(node, { method: 'POST', headers: { authorization: auth }, body: `DROP DATABASE IF EXISTS ${name}` });
      }
    },
  };
}

function localEndpoint(procs: ChildProcess[], base: string, query: string): ClickHouseEndpoint {
  return {
    freshUrl: () => `${base}/${freshName()}${query}`,
    async stop() {
      for (const p of procs) p.kill('SIGTERM');
    },
  };
}

const freshName = (): string => `t_${randomBytes(6).toString('hex')}`;

function binaryMissing(): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${BINARY}`], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${BINARY} is not installed (apt-get install clickhouse-server), and no server is given ($BOTCENSUS_TEST_CLICKHOUSE, $BOTCENSUS_TEST_CLICKHOUSE_CLUSTER)`;
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((ok, fail) => {
      const s = createServer();
      s.once('error', fail);
      s.listen(0, '127.0.0.1', () => ok(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

interface Ports {
  http: number;
  tcp: number;
}

/** Starts one server with its own config and data folder, and waits until it answers. */
async function startServer(ports: Ports, cluster: Ports[]): Promise<ChildProcess> {
  // Not a tempDir(): removing it at exit would race the server still writing to it; the watchdog
  // shell below removes it once the server has stopped.
  const dir = mkdtempSync(join(tmpdir(), 'botcensus-ch-'));
  for (const d of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, d));
  const shards = cluster
    .map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port></replica></shard>`)
    .join('');
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>0</uncompressed_cache_size>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  ${shards ? `<remote_servers><${CLUSTER}>${shards}</${CLUSTER}></remote_servers>` : ''}
</yandex>
`,
  );
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
  // Through a small shell that stops the server when this process is gone, however it ended, and
  // then removes its folder (the server writes to it until it has stopped).
  const watchdog =
    'clickhouse-server --config-file="$1/config.xml" & ch=$!; trap \'kill $ch; wait $ch; rm -rf "$1"; exit 0\' TERM INT; ' +
    'while kill -0 "$2" 2>/dev/null && kill -0 $ch 2>/dev/null; do sleep 1; done; ' +
    // A server that stopped by itself keeps its folder (and its error.log) for the test to read.
    'if kill -0 $ch 2>/dev/null; then kill $ch; wait $ch; rm -rf "$1"; fi';
  const proc = spawn('sh', ['-c', watchdog, 'sh', dir, String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(proc);
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  proc.unref();
  (proc.stderr as unknown as { unref?: () => void }).unref?.();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-1000) : '';
      throw new Error(`clickhouse-server exited: ${stderr.slice(0, 500)} ${log}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${ports.http}/ping`);
      if (r.ok) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  proc.kill('SIGTERM');
  throw new Error(`clickhouse-server on port ${ports.http} did not answer within 20 s (see ${dir}/error.log)`);
}
