// The sinkhole's part of `npm run bench` (loopback only; every load bounded in time): botcensus's
// DNS and HTTP listeners against NSD + dnsperf and nginx + wrk under the same load (and against
// Node.js alone answering, the floor under any listener written in it), a flood at ten
// times the serving rate with legitimate check-ins from other sources mixed in, and kill -9 under
// load followed by a restart. Runnable alone:
//   node dist/src/bench/sinkhole.js [--only dns,http,flood,kill] [--listeners N]
// (the flood is sized from the DNS phase, so --only flood runs that too).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metric, peakRss, spawnSinkhole, storedPerBot, waitDrained, type RunningSinkhole } from '../sinkhole/harness.js';
import { dnsLoad, httpLoad, percentile, type LoadResult } from '../sinkhole/load.js';
import { dnsperf, startFloor, startNginx, startNsd, stopProc, treeCpuSeconds, wrk } from './sinkhole-refs.js';


const ZONE = 'c2.example';
/** Seconds of each measured phase. */
const PHASE_S = 10;
/** Longest wait for the feeder to store a phase's check-ins: on a busy shared machine it stores about 10,000 a second. */
const DRAIN_MS = 180_000;

interface Target {
  name: string;
  met: boolean;
  detail: string;
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

const PHASES = ['dns', 'http', 'flood', 'kill'] as const;
type Phase = (typeof PHASES)[number];

export interface SinkholeBenchOptions {
  /** The phases to run (all by default). */
  only: Set<Phase>;
  /** Listener processes of the botcensus sinkhole under test. */
  listeners: number;
}

/** Listener processes by default: one per core, the load generators share them. */
const DEFAULT_LISTENERS = 2;

export function benchOptions(argv: string[]): SinkholeBenchOptions {
  const o: SinkholeBenchOptions = { only: new Set(PHASES), listeners: DEFAULT_LISTENERS };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      for (const p of list) if (!PHASES.includes(p as Phase)) throw new Error(`--only takes ${PHASES.join(',')}, not ${p}`);
      o.only = new Set(list as Phase[]);
      if (o.only.has('flood')) o.only.add('dns');
    } else if (argv[i] === '--listeners') o.listeners = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]}: [--only ${PHASES.join(',')}] [--listeners N]`);
  }
  if (!(Number.isInteger(o.listeners) && o.listeners >= 1)) throw new Error('--listeners takes a whole number of at least 1');
  return o;
}

export async function sinkholeBench(
  log: (line: string) => void,
  opts: SinkholeBenchOptions = benchOptions([]),
): Promise<{ name: string; lines: string[]; targets: Target[]; json: unknown }> {
  const dir = await mkdtemp(join(tmpdir(), 'botcensus-bench-sinkhole-'));
  const lines: string[] = [];
  const targets: Target[] = [];
  const json: Record<string, unknown> = {};
  const row = (s: string) => (lines.push(s), log(s));
  try {
    // The machine is shared: its load says how much of the two cores the listeners could have.
    row(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`);
    const queries = join(dir, 'queries.txt');
    await writeFile(queries, Array.from({ length: 50_000 }, (_, i) => `h${i}.${ZONE} A\n`).join(''));
    await writeFile(join(dir, 'names.txt'), `${ZONE} benchnet\n`);
    const db = join(dir, 'store.duckdb');
    const base = ['--db', db, 'sinkhole', '--domains', join(dir, 'names.txt'), '--admin', '127.0.0.1:0', '--feed-ms', '500', '--listeners', String(opts.listeners)];
    row(`botcensus sinkhole with ${opts.listeners} listener process${opts.listeners > 1 ? 'es' : ''}; phases ${[...opts.only].join(', ')}`);
    let serving = NaN;
    if (opts.only.has('dns') || opts.only.has('http')) {
      const bc = await spawnSinkhole([...base, '--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--journal', join(dir, 'j1'), '--rate', '0', '--conns-per-prefix', '4096']);
      await warm(bc);
      // --- DNS: NSD, then botcensus, same queries, same dnsperf settings.
      if (opts.only.has('dns')) {
        log('sinkhole bench: NSD + dnsperf');
        const nsd = await startNsd(dir, ZONE);
        const nsdProbe = probeDns(nsd.port);
        const nsdCpu0 = await treeCpuSeconds(nsd.proc.pid!);
        const nsdRes = await dnsperf(nsd.port, queries, PHASE_S);
        const nsdCpuUs = (1e6 * ((await treeCpuSeconds(nsd.proc.pid!)) - nsdCpu0)) / nsdRes.completed;
        const nsdLat = await nsdProbe.done;
        await stopProc(nsd.proc);

        log('sinkhole bench: Node.js UDP floor + dnsperf');
        const udpFloor = await startFloor('udp');
        const floorCpu0 = await treeCpuSeconds(udpFloor.proc.pid!);
        const floorRes = await dnsperf(udpFloor.port, queries, PHASE_S);
        const floorCpuUs = (1e6 * ((await treeCpuSeconds(udpFloor.proc.pid!)) - floorCpu0)) / floorRes.completed;
        await stopProc(udpFloor.proc);

        log('sinkhole bench: botcensus DNS + dnsperf');
        const dnsPhase = await measured(bc, 'dns-udp', async () => {
          const probe = probeDns(bc.ports.dns!);
          const r = await dnsperf(bc.ports.dns!, queries, PHASE_S);
          return { r, lat: await probe.done };
        });
        const dnsRatio = dnsPhase.out.r.qps / nsdRes.qps;
        row(`DNS   NSD 4.6 (rrl off)   ${fmt(nsdRes.qps)} answered/s  p99 ${fmt(percentile(nsdLat.latencies, 99), 2)} ms  CPU ${fmt(nsdCpuUs, 1)} µs an answer`);
        row(`DNS   Node.js UDP echo (floor, nothing journaled)  ${fmt(floorRes.qps)} answered/s  CPU ${fmt(floorCpuUs, 1)} µs an answer`);
        row(
          `DNS   botcensus           ${fmt(dnsPhase.out.r.qps)} answered/s  p99 ${fmt(percentile(dnsPhase.out.lat.latencies, 99), 2)} ms  stored ${fmt(dnsPhase.storedPerS)}/s  ratio ${fmt(dnsRatio, 2)}×  CPU ${fmt(dnsPhase.listenerCpuUs, 1)} µs an answer (listeners), ${fmt(dnsPhase.feederCpuUs, 1)} µs a check-in stored (main)`,
        );
        targets.push({ name: 'DNS answered/s ≥ 0.5× NSD', met: dnsRatio >= 0.5, detail: `${fmt(dnsPhase.out.r.qps)} vs ${fmt(nsdRes.qps)} (${fmt(dnsRatio, 2)}×)` });
        targets.push({
          name: 'DNS: every answered query stored',
          met: dnsPhase.drained && dnsPhase.stored === dnsPhase.accepted && dnsPhase.accepted >= dnsPhase.out.r.completed,
          detail: `dnsperf completed ${dnsPhase.out.r.completed}, check-ins accepted ${dnsPhase.accepted}, stored ${dnsPhase.stored}${dnsPhase.drained ? '' : ` (feeder not caught up in ${DRAIN_MS / 1000} s)`}`,
        });
        json.dns = { nsd: nsdRes, nsdP99: percentile(nsdLat.latencies, 99), botcensus: dnsPhase.out.r, botcensusP99: percentile(dnsPhase.out.lat.latencies, 99), stored: dnsPhase.stored, storedPerS: dnsPhase.storedPerS, nsdCpuUs, floor: floorRes, floorCpuUs, listenerCpuUs: dnsPhase.listenerCpuUs, feederCpuUs: dnsPhase.feederCpuUs };
        serving = dnsPhase.out.r.qps;
      }

      // --- HTTP: nginx, then botcensus, same wrk settings.
      if (opts.only.has('http')) {
        log('sinkhole bench: nginx + wrk');
        const nginx = await startNginx(dir);
        const ngCpu0 = await treeCpuSeconds(nginx.proc.pid!);
        const ng = await wrk(nginx.port, PHASE_S);
        const ngCpuUs = (1e6 * ((await treeCpuSeconds(nginx.proc.pid!)) - ngCpu0)) / ng.requests;
        await stopProc(nginx.proc);
        log('sinkhole bench: node:http floor + wrk');
        const httpFloor = await startFloor('http');
        const hfCpu0 = await treeCpuSeconds(httpFloor.proc.pid!);
        const hf = await wrk(httpFloor.port, PHASE_S);
        const hfCpuUs = (1e6 * ((await treeCpuSeconds(httpFloor.proc.pid!)) - hfCpu0)) / hf.requests;
        await stopProc(httpFloor.proc);
        log('sinkhole bench: botcensus HTTP + wrk');
        const httpPhase = await measured(bc, 'http', () => wrk(bc.ports.http!, PHASE_S));
        const httpRatio = httpPhase.out.rps / ng.rps;
        row(`HTTP  nginx 1.22 (2 workers, access log)  ${fmt(ng.rps)} answered/s  p99 ${fmt(ng.p99Ms, 2)} ms  CPU ${fmt(ngCpuUs, 1)} µs an answer`);
        row(`HTTP  node:http fixed answer (floor, nothing journaled)  ${fmt(hf.rps)} answered/s  p99 ${fmt(hf.p99Ms, 2)} ms  CPU ${fmt(hfCpuUs, 1)} µs an answer`);
        row(`HTTP  botcensus           ${fmt(httpPhase.out.rps)} answered/s  p99 ${fmt(httpPhase.out.p99Ms, 2)} ms  stored ${fmt(httpPhase.storedPerS)}/s  ratio ${fmt(httpRatio, 2)}×  CPU ${fmt(httpPhase.listenerCpuUs, 1)} µs an answer (listeners), ${fmt(httpPhase.feederCpuUs, 1)} µs a check-in stored (main)`);
        targets.push({ name: 'HTTP answered/s ≥ 0.5× nginx', met: httpRatio >= 0.5, detail: `${fmt(httpPhase.out.rps)} vs ${fmt(ng.rps)} (${fmt(httpRatio, 2)}×)` });
        targets.push({
          name: 'HTTP: every answered request stored',
          met: httpPhase.drained && httpPhase.stored === httpPhase.accepted && httpPhase.accepted >= httpPhase.out.requests - httpPhase.out.non2xx,
          detail: `wrk 2xx ${httpPhase.out.requests - httpPhase.out.non2xx}, accepted ${httpPhase.accepted}, stored ${httpPhase.stored}`,
        });
        json.http = { nginx: ng, botcensus: httpPhase.out, stored: httpPhase.stored, storedPerS: httpPhase.storedPerS, nginxCpuUs: ngCpuUs, floor: hf, floorCpuUs: hfCpuUs, listenerCpuUs: httpPhase.listenerCpuUs, feederCpuUs: httpPhase.feederCpuUs };
      }
      bc.child.kill('SIGTERM');
      const code = await bc.exit;
      targets.push({ name: 'SIGTERM drains and exits 0', met: code === 0, detail: `exit ${code}` });
    }

    // --- Flood: per-prefix limits on; 127.0.0.2 floods at ten times the DNS serving rate, others check in.
    if (opts.only.has('flood')) {
      const floodRate = Math.round(serving * 10);
      log(`sinkhole bench: flood at ${floodRate} q/s from 127.0.0.2 with legitimate check-ins from 127.0.0.3-8`);
      const bc = await spawnSinkhole([...base, '--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--journal', join(dir, 'j2'), '--rate', '500', '--prefix-v4', '32', '--bot-id', 'query:id', '--bot-id', 'qname:^(l[0-9a-z-]+)\\.']);
      await warm(bc);
      const health = pollHealth(bc.ports.admin!);
      const read0 = await datagramsRead(bc.ports.admin!);
      const drops0 = await metric(bc.ports.admin!, 'udp_receive_drops_total', { listener: 'dns-udp' });
      const listenerCpu0 = await cpuOf(bc.listenerPids);
      // Two flooding processes from the same source address: one process sends about 50k queries a second here.
      const floods = [0, 1].map(() => floodProcess(bc.ports.dns!, '127.0.0.2', PHASE_S, floodRate / 2));
      const httpFlood = httpLoad({ port: bc.ports.http!, durationMs: PHASE_S * 1000, concurrency: 128, idPrefix: 'x', localAddress: '127.0.0.9' });
      const legit: Promise<LoadResult>[] = [];
      for (const k of [3, 4, 5, 6])
        legit.push(dnsLoad({ port: bc.ports.dns!, local: `127.0.0.${k}`, durationMs: PHASE_S * 1000, idPrefix: `l${k}-`, zone: ZONE, outstanding: 20, ratePerSecond: 50, timeoutMs: 500, retries: 2 }).done);
      for (const k of [7, 8]) legit.push(httpLoad({ port: bc.ports.http!, durationMs: PHASE_S * 1000, concurrency: 2, idPrefix: `l${k}-`, localAddress: `127.0.0.${k}` }).done);
      const floodRes = (await Promise.all(floods)).reduce((a, r) => ({ sent: a.sent + r.sent, cpuUs: a.cpuUs + r.cpuUs }), { sent: 0, cpuUs: 0 });
      const listenerCpuS = (await cpuOf(bc.listenerPids)) - listenerCpu0;
      const read = (await datagramsRead(bc.ports.admin!)) - read0;
      const dropped = (await metric(bc.ports.admin!, 'udp_receive_drops_total', { listener: 'dns-udp' })) - drops0;
      const legitRes = await Promise.all(legit);
      const xFlood = await httpFlood.done;
      const h = await health.stop();
      const rss = await peakRss(bc.child.pid!, ...bc.listenerPids);
      const floodShed = await metric(bc.ports.admin!, 'shed_by_prefix_total', { listener: 'dns-udp', prefix: '127.0.0.2' });
      const httpShed = await metric(bc.ports.admin!, 'shed_by_prefix_total', { listener: 'http', prefix: '127.0.0.9' });
      const drainedFlood = await waitDrained(bc.ports.admin!, DRAIN_MS);
      bc.child.kill('SIGTERM');
      await bc.exit;
      const stored = await storedPerBot(db, dir);
      const sent = legitRes.reduce((a, r) => a + r.sent, 0);
      const ok = legitRes.reduce((a, r) => a + r.answered.filter((id) => stored.has(id)).length, 0);
      const offered = floodRes.sent / PHASE_S;
      row(`Flood  DNS from 127.0.0.2: ${fmt(offered)} q/s offered (${fmt(offered / serving, 1)}× the serving rate), ${floodShed} shed; HTTP from 127.0.0.9: ${xFlood.sent} requests, ${httpShed} shed`);
      // What a flooded datagram costs on each side: the generator's CPU (its own count) and the listeners' (from /proc).
      const genUs = floodRes.cpuUs / floodRes.sent;
      const readUs = (1e6 * listenerCpuS) / read;
      row(
        `Flood  offered counted by the generators (${floodRes.sent} datagrams in ${PHASE_S} s, ${fmt(genUs, 2)} µs of their CPU a datagram); at the socket: ${read} read by the listeners (${fmt(readUs, 2)} µs of their CPU a datagram), ${dropped} dropped by the kernel with the receive buffer full`,
      );
      row(`Flood  10× the serving rate is ${fmt(10 * serving)} q/s: ${fmt((10 * serving * genUs) / 1e6, 2)} cores to send it at this generator's cost, ${fmt((10 * serving * readUs) / 1e6, 2)} cores to read it at the listeners' (${cpus().length} cores on this machine)`);
      row(
        `Flood  legitimate check-ins answered and stored: ${ok}/${sent} (${fmt((100 * ok) / sent, 1)}%; ${legitRes.map((r, i) => `${i < 4 ? 'dns' : 'http'} ${r.answered.filter((id) => stored.has(id)).length}/${r.sent}`).join(', ')}); health green ${h.green}/${h.polls}; peak RSS ${fmt(rss / 2 ** 20)} MB`,
      );
      targets.push({ name: 'Flood offered ≥ 10× serving rate', met: offered >= 10 * serving, detail: `${fmt(offered)} q/s vs serving ${fmt(serving)} q/s` });
      targets.push({ name: 'Flood: legitimate check-ins answered and stored ≥ 90%', met: sent > 0 && ok / sent >= 0.9 && drainedFlood, detail: `${ok}/${sent} (${fmt((100 * ok) / sent, 1)}%)` });
      targets.push({ name: 'Flood: health stays green', met: h.polls > 0 && h.green === h.polls, detail: `${h.green}/${h.polls} polls green` });
      targets.push({ name: 'Flood: memory < 500 MB', met: rss < 500 * 2 ** 20, detail: `peak RSS ${fmt(rss / 2 ** 20)} MB` });
      json.flood = { offered, serving, floodShed, legitSent: sent, legitStored: ok, health: h, rss, generatorCpuUs: genUs, listenerReadCpuUs: readUs, read, kernelDropped: dropped };
    }

    // --- kill -9 under load, restart, drain: the clients' answered log against the store.
    if (opts.only.has('kill')) {
      log('sinkhole bench: kill -9 under load, restart');
      const killArgs = [...base, '--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--journal', join(dir, 'j3'), '--rate', '0', '--conns-per-prefix', '4096', '--bot-id', 'query:id', '--bot-id', 'qname:^(k[0-9a-z-]+)\\.'];
      let bc = await spawnSinkhole(killArgs);
      const kh = httpLoad({ port: bc.ports.http!, durationMs: 20_000, concurrency: 32, idPrefix: 'kh' });
      const kd = dnsLoad({ port: bc.ports.dns!, local: '127.0.0.1', durationMs: 20_000, idPrefix: 'kd', zone: ZONE, outstanding: 200 });
      await new Promise((r) => setTimeout(r, 3000));
      bc.child.kill('SIGKILL');
      await bc.exit;
      kh.stop();
      kd.stop();
      const answered = [...(await kh.done).answered, ...(await kd.done).answered];
      bc = await spawnSinkhole(killArgs);
      const drainedKill = await waitDrained(bc.ports.admin!, DRAIN_MS);
      bc.child.kill('SIGTERM');
      await bc.exit;
      const afterKill = await storedPerBot(db, dir);
      const missing = answered.filter((id) => !afterKill.has(id)).length;
      const doubled = [...afterKill].filter(([id, n]) => id.startsWith('k') && n > 1).length;
      row(`kill -9 under load: ${answered.length} answered before the kill; after restart missing ${missing}, stored twice ${doubled}`);
      targets.push({ name: 'kill -9: zero acknowledged missing', met: drainedKill && missing === 0 && answered.length > 0, detail: `${missing} of ${answered.length} missing` });
      targets.push({ name: 'kill -9: zero stored twice', met: doubled === 0, detail: `${doubled} stored twice` });
      json.kill = { answered: answered.length, missing, doubled };
    }
    row(`machine: load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { name: 'sinkhole', lines, targets, json };
}

/** One check-in, then waiting until it is stored: the store's first import (range data) is done before measuring. */
async function warm(bc: RunningSinkhole): Promise<void> {
  await fetch(`http://127.0.0.1:${bc.ports.http}/warm`).catch(() => undefined);
  const end = Date.now() + 180_000;
  while (Date.now() < end && (await metric(bc.ports.admin!, 'written_total')) < 1) await new Promise((r) => setTimeout(r, 200));
}

/** Runs a load phase; counts the listener's check-ins, waits for the feeder, and works out stored/s from the phase's start. */
async function measured<T>(bc: RunningSinkhole, listener: string, load: () => Promise<T>) {
  const admin = bc.ports.admin!;
  const before = await metric(admin, 'written_total');
  const acceptedBefore = await metric(admin, 'accepted_total', { listener });
  const cpu = async () => ({ listeners: await cpuOf(bc.listenerPids), main: await treeCpuSeconds(bc.child.pid!) - (await cpuOf(bc.listenerPids)) });
  const cpu0 = await cpu();
  const t0 = performance.now();
  const out = await load();
  const cpuLoad = await cpu();
  const drained = await waitDrained(admin, DRAIN_MS);
  const s = (performance.now() - t0) / 1000;
  const cpuDrained = await cpu();
  const stored = (await metric(admin, 'written_total')) - before;
  const accepted = (await metric(admin, 'accepted_total', { listener })) - acceptedBefore;
  // CPU per check-in: the listener processes' during the load per answer, the main process's (the feeder) until drained per stored.
  return { out, stored, accepted, drained, storedPerS: stored / s, listenerCpuUs: (1e6 * (cpuLoad.listeners - cpu0.listeners)) / accepted, feederCpuUs: (1e6 * (cpuDrained.main - cpu0.main)) / stored };
}

async function cpuOf(pids: number[]): Promise<number> {
  let s = 0;
  for (const p of pids) s += await treeCpuSeconds(p);
  return s;
}

/** A light latency probe beside the load: 200 queries a second from 127.0.0.4, p99 of their answers. */
function probeDns(port: number) {
  return dnsLoad({ port, local: '127.0.0.4', durationMs: PHASE_S * 1000 - 500, idPrefix: 'p', zone: ZONE, outstanding: 50, ratePerSecond: 200, timeoutMs: 2000 });
}

/** Datagrams the UDP DNS listener has read: answered, or shed by rate, as malformed or with the journal full. */
async function datagramsRead(admin: number): Promise<number> {
  let n = await metric(admin, 'answered_total', { listener: 'dns-udp' });
  for (const reason of ['rate', 'malformed', 'queue']) n += await metric(admin, 'shed_total', { listener: 'dns-udp', reason });
  return n;
}

/** The flood process (sinkhole-flood.ts): how many queries it sent, and the CPU time it spent (µs). */
function floodProcess(port: number, local: string, seconds: number, maxPerSecond: number): Promise<{ sent: number; cpuUs: number }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [fileURLToPath(new URL('./sinkhole-flood.js', import.meta.url)), String(port), local, String(seconds), String(Math.round(maxPerSecond))], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', () => resolve(JSON.parse(out || '{"sent":0,"cpuUs":0}') as { sent: number; cpuUs: number }));
  });
}

function pollHealth(port: number) {
  let polls = 0;
  let green = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      polls++;
      const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      if (r?.status === 200 && ((await r.json()) as { status: string }).status === 'green') green++;
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { polls, green };
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await sinkholeBench((l) => console.error(l), benchOptions(process.argv.slice(2)));
  console.log(r.lines.join('\n'));
  for (const t of r.targets) console.log(`${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.detail}`);
}
