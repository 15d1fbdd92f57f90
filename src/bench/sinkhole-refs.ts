// The C references of the sinkhole bench, from Debian's packages: NSD serving a wildcard zone
// (response-rate limiting off) queried with dnsperf, and nginx answering a fixed response with its
// access log on, loaded with wrk. Each runs in a scratch folder on a loopback port, for a bounded time.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dnsQuery } from '../sinkhole/load.js';

export function runTool(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(`${cmd}: ${err.message} ${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** A free loopback port (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function until(ok: () => Promise<boolean>, maxMs: number, what: string): Promise<void> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${maxMs / 1000} s`);
}

function answersDns(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => (s.close(), resolve(false)), 300);
    s.on('message', () => (clearTimeout(t), s.close(), resolve(true)));
    s.send(dnsQuery(1, 'probe.c2.example'), port, '127.0.0.1');
  });
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

export async function startNsd(dir: string, zone: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  await writeFile(
    join(dir, `${zone}.zone`),
    `$ORIGIN ${zone}.\n$TTL 300\n@ IN SOA ns.${zone}. hostmaster.${zone}. 1 3600 600 86400 300\n@ IN NS ns.${zone}.\n@ IN A 127.0.0.1\n* IN A 127.0.0.1\n`,
  );
  const conf = join(dir, 'nsd.conf');
  await writeFile(
    conf,
    `server:
  ip-address: 127.0.0.1@${port}
  port: ${port}
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  zonelistfile: "${dir}/zone.list"
  database: ""
  pidfile: "${dir}/nsd.pid"
  xfrdfile: "${dir}/xfrd.state"
  logfile: "${dir}/nsd.log"
  verbosity: 0
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: ${zone}
  zonefile: ${zone}.zone
`,
  );
  const proc = spawn('nsd', ['-d', '-c', conf], { stdio: 'ignore' });
  await until(() => answersDns(port), 15_000, 'nsd');
  return { port, proc };
}

export async function startNginx(dir: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes 2;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { default_type text/plain; return 200 "OK\\n"; }
  }
}
`,
  );
  const proc = spawn('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'nginx-error.log')], { stdio: 'ignore' });
  await until(() => acceptsTcp(port), 15_000, 'nginx');
  return { port, proc };
}

export async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

export interface DnsperfResult {
  sent: number;
  completed: number;
  qps: number;
  avgMs: number;
}

/** dnsperf over `queries` for `seconds`; `extra` adds options (a source address, a rate cap, a timeout). */
export async function dnsperf(port: number, queries: string, seconds: number, extra: string[] = []): Promise<DnsperfResult> {
  const out = await runTool('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(seconds), '-c', '8', '-q', '500', ...extra], (seconds + 30) * 1000);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
  };
}

export interface WrkResult {
  rps: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
}

export async function wrk(port: number, seconds: number, path = '/c'): Promise<WrkResult> {
  const out = await runTool('wrk', ['-t2', '-c64', `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}${path}`], (seconds + 30) * 1000);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const scale = p99 ? { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'] : NaN;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p99Ms: p99 ? Number(p99[1]) * scale : NaN,
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/**
 * CPU seconds (user + system) used so far by `pid` and every process below it (Linux /proc): what a
 * server spent on a load, whatever else the machine ran meanwhile.
 */
export async function treeCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let s = (Number(f[11]) + Number(f[12])) / TICKS || 0;
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const t of tasks) {
    const kids = (await readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')).trim();
    for (const k of kids ? kids.split(' ') : []) s += await treeCpuSeconds(Number(k));
  }
  return s;
}

/** The Node.js floor (sinkhole-floor.ts) as its own process, listening on a loopback port. */
export function startFloor(kind: 'udp' | 'http'): Promise<{ port: number; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(new URL('./sinkhole-floor.js', import.meta.url)), kind], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ port: Number(out.trim()), proc });
    });
    proc.on('exit', (code) => reject(new Error(`the ${kind} floor exited ${code}`)));
  });
}
