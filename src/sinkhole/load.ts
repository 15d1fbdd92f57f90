// Load clients for the sinkhole's tests and bench, on loopback only and bounded in time: check-ins
// with a unique bot id each, and a log of the ones answered (what the sinkhole acknowledged).
import { createSocket } from 'node:dgram';
import { Agent, request } from 'node:http';
import { parseQuery } from './dns-wire.js';

export interface LoadResult {
  sent: number;
  /** Bot ids whose check-in was answered (HTTP 200, DNS NOERROR with an answer). */
  answered: string[];
  /** Latencies of answered check-ins, ms. */
  latencies: number[];
}

export interface Load {
  stop(): void;
  done: Promise<LoadResult>;
}

/** HTTP check-ins GET /c?id=<prefix><n> from `localAddress`, `concurrency` at a time over keep-alive connections, for `durationMs`. */
export function httpLoad(o: { port: number; durationMs: number; concurrency: number; idPrefix: string; localAddress?: string; host?: string }): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency, localAddress: o.localAddress });
  const res: LoadResult = { sent: 0, answered: [], latencies: [] };
  let stopped = false;
  const deadline = Date.now() + o.durationMs;
  let n = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const id = `${o.idPrefix}${n++}`;
      const t0 = performance.now();
      res.sent++;
      const req = request({ host: '127.0.0.1', port: o.port, path: `/c?id=${id}`, agent, headers: { host: o.host ?? 'www.c2.example' } }, (r) => {
        r.resume();
        r.on('end', () => {
          if (r.statusCode === 200) {
            res.answered.push(id);
            res.latencies.push(performance.now() - t0);
          }
          resolve();
        });
        r.on('error', () => resolve());
      });
      req.setTimeout(5000, () => req.destroy());
      req.on('error', () => setTimeout(resolve, 5));
      req.end();
    });
  const worker = async () => {
    while (!stopped && Date.now() < deadline) await one();
  };
  const done = Promise.all(Array.from({ length: o.concurrency }, worker)).then(() => {
    agent.destroy();
    return res;
  });
  return { stop: () => (stopped = true), done };
}

/** A DNS query for `name` (type A, RD clear). */
export function dnsQuery(id: number, name: string): Buffer {
  const labels = name.split('.');
  const b = Buffer.alloc(12 + name.length + 2 + 4);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(1, 4);
  let o = 12;
  for (const l of labels) {
    b[o++] = l.length;
    o += b.write(l, o, 'latin1');
  }
  b[o++] = 0;
  b.writeUInt16BE(1, o);
  b.writeUInt16BE(1, o + 2);
  return b;
}

/**
 * DNS check-ins over UDP from `local`: queries for `<idPrefix><n>.<zone>`, at most `outstanding`
 * unanswered at once (an unanswered one frees its slot after `timeoutMs`), and no more than
 * `ratePerSecond` when given. Answered = NOERROR with an answer record.
 */
export function dnsLoad(o: {
  port: number;
  local: string;
  durationMs: number;
  idPrefix: string;
  zone: string;
  outstanding: number;
  ratePerSecond?: number;
  timeoutMs?: number;
  /**
   * Times an unanswered query is sent again after its timeout (default 0). As glibc's stub resolver
   * does, a retry is the same query with the same id, and an answer to any of its sends counts.
   */
  retries?: number;
}): Load {
  const s = createSocket('udp4');
  const res: LoadResult = { sent: 0, answered: [], latencies: [] };
  /** Queries waiting for an answer: `at` is when the latest send went out. */
  const inflight = new Map<number, { name: string; t0: number; at: number; tries: number }>();
  /** Bot ids answered: a retry and its original may both be answered. */
  const seen = new Set<string>();
  let stopped = false;
  let n = 0;
  let nextId = 0;
  const timeout = o.timeoutMs ?? 1000;
  const start = Date.now();
  let resolveDone!: (r: LoadResult) => void;
  const done = new Promise<LoadResult>((r) => (resolveDone = r));
  s.on('message', (m) => {
    const id = m.readUInt16BE(0);
    const q = inflight.get(id);
    if (!q) return;
    inflight.delete(id);
    const copy = Buffer.from(m);
    copy[2]! &= 0x7f;
    const parsed = parseQuery(copy);
    const bot = q.name.slice(0, q.name.indexOf('.'));
    if (typeof parsed === 'object' && parsed.name === q.name && (m[3]! & 0x0f) === 0 && m.readUInt16BE(6) > 0 && !seen.has(bot)) {
      seen.add(bot);
      res.answered.push(bot);
      res.latencies.push(performance.now() - q.t0);
    }
    pump();
  });
  const pump = () => {
    if (stopped) return;
    const now = Date.now();
    if (now - start >= o.durationMs) return finish();
    const t = performance.now();
    for (const [id, q] of inflight) {
      if (t - q.at <= timeout) continue;
      if (q.tries > (o.retries ?? 0)) {
        inflight.delete(id);
        continue;
      }
      q.tries++;
      q.at = t;
      s.send(dnsQuery(id, q.name), o.port, '127.0.0.1');
    }
    const allowed = o.ratePerSecond ? Math.floor(((now - start) / 1000) * o.ratePerSecond) + 1 : Infinity;
    while (inflight.size < o.outstanding && res.sent < allowed) {
      do nextId = (nextId + 1) & 0xffff;
      while (inflight.has(nextId));
      const name = `${o.idPrefix}${n++}.${o.zone}`;
      inflight.set(nextId, { name, t0: t, at: t, tries: 1 });
      s.send(dnsQuery(nextId, name), o.port, '127.0.0.1');
      res.sent++;
    }
  };
  const finish = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(tick);
    // Answers still on their way are waited for, briefly.
    setTimeout(() => {
      s.close();
      resolveDone(res);
    }, 300);
  };
  const tick = setInterval(pump, 5);
  s.bind(0, o.local, pump);
  return { stop: finish, done };
}

/**
 * A UDP flood from `local`: `total` queries for names under `zone` sent as fast as the socket
 * takes them (answers ignored), in bursts; resolves with how many went out and over how long.
 */
export function dnsFlood(o: { port: number; local: string; zone: string; durationMs: number; perTick: number }): Promise<{ sent: number; ms: number }> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.on('message', () => undefined);
    let sent = 0;
    let id = 0;
    const start = performance.now();
    const q = dnsQuery(0, `flood.${o.zone}`);
    const burst = () => {
      if (performance.now() - start >= o.durationMs) {
        s.close();
        return resolve({ sent, ms: performance.now() - start });
      }
      let left = o.perTick;
      const more = () => {
        if (left-- <= 0) return setImmediate(burst);
        q.writeUInt16BE(id++ & 0xffff, 0);
        sent++;
        s.send(q, o.port, '127.0.0.1', more);
      };
      more();
    };
    s.bind(0, o.local, burst);
  });
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
