// Runs the real `botcensus sinkhole` as a child process, for the tests and the bench: where it
// listens, its metrics, waiting for the feeder to catch up, and what the store holds afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { metricValue } from './metrics.js';

export const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface RunningSinkhole {
  child: ChildProcess;
  /** Ports by listener name (dns, http, https, tcp1, admin). */
  ports: Record<string, number>;
  exit: Promise<number | null>;
  stderr: () => string;
  /** The listener processes' ids. */
  listenerPids: number[];
}

/** Starts `botcensus <args>` and resolves once it says where it listens; `group`: in a process group of its own, as a terminal or systemd starts it. */
export function spawnSinkhole(args: string[], o: { group?: boolean } = {}): Promise<RunningSinkhole> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: o.group ?? false });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /sinkhole listening (.*)\n/.exec(err);
      const p = /listener process(?:es)? \(pid ([\d, ]+)\)/.exec(err);
      if (m && p) {
        const ports: Record<string, number> = {};
        for (const kv of m[1]!.split(' ')) ports[kv.split('=')[0]!] = Number(kv.slice(kv.lastIndexOf(':') + 1));
        resolve({ child, ports, exit, stderr: () => err, listenerPids: p[1]!.split(', ').map(Number) });
      }
    });
    child.on('exit', (code) => reject(new Error(`botcensus exited ${code}: ${err}`)));
  });
}

export async function fetchMetrics(adminPort: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
}

export async function metric(adminPort: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  return metricValue(await fetchMetrics(adminPort), name, labels) ?? 0;
}

/** Waits until the feeder has stored everything journaled (true), or `maxMs` passed (false). */
export async function waitDrained(adminPort: number, maxMs = 60_000): Promise<boolean> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    const m = await fetchMetrics(adminPort);
    if (metricValue(m, 'feeder_lag') === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Runs a botcensus command to completion; its stdout (throws with its stderr when it fails). */
export function runCli(db: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI_MAIN, '--db', db, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`botcensus ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Stored check-ins per bot id (device id), summed over the store's sightings, via `botcensus export`. */
export async function storedPerBot(db: string, scratch: string): Promise<Map<string, number>> {
  const out = `${scratch}/sightings-${process.pid}-${Date.now()}.json`;
  runCli(db, 'export', '--what', 'sightings', '--out', out);
  const stored = new Map<string, number>();
  for (const line of (await readFile(out, 'utf8')).split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { device_id: string | null; events: number };
    if (r.device_id) stored.set(r.device_id, (stored.get(r.device_id) ?? 0) + Number(r.events));
  }
  await rm(out, { force: true });
  return stored;
}

/** Peak resident memory of processes, added up, bytes (Linux /proc). */
export async function peakRss(...pids: number[]): Promise<number> {
  let sum = 0;
  for (const pid of pids) {
    const s = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    if (!m) return NaN;
    sum += Number(m[1]) * 1024;
  }
  return sum;
}
