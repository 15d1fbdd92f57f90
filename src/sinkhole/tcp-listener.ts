// Raw TCP check-ins on the ports a taken-over server listened on: the first bytes a client sends
// (bounded) and, when they open a TLS handshake, the ClientHello's server name are journaled; the
// connection is then closed. A client that sends nothing within the header timeout is logged with
// no bytes: the connection itself is the call home.
import { createServer, type Server, type Socket } from 'node:net';
import type { CheckIn } from './checkin.js';
import type { Component, Health, MetricSample } from './component.js';
import { TCP_READ_MAX, type ListenAddr, type Limits } from './config.js';
import { checkIn, plainAddress, type ListenerDeps } from './listener.js';
import { clientHelloSni, firstRecordComplete } from './tls-sni.js';

export interface TcpConfig {
  listen: ListenAddr;
  /** Bytes kept in the check-in (hex). */
  firstBytes: number;
  limits: Limits;
}

/** After the first bytes arrive, this long for the rest of a request or ClientHello. */
const GATHER_MS = 200;

export class TcpListener implements Component {
  readonly name = 'tcp';
  private server: Server | undefined;
  private port = 0;
  private readonly conns = new Set<Socket>();

  constructor(
    readonly config: TcpConfig,
    private readonly deps: ListenerDeps,
  ) {}

  address(): ListenAddr {
    return { host: this.config.listen.host, port: this.port };
  }

  async start(): Promise<void> {
    const server = createServer({ noDelay: true }, (s) => this.onConnection(s));
    server.maxConnections = this.config.limits.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.listen.port, this.config.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    this.port = (server.address() as { port: number }).port;
  }

  private onConnection(s: Socket): void {
    const d = this.deps;
    const src = plainAddress(s.remoteAddress);
    const prefix = d.limiter.key(src);
    s.on('error', () => undefined);
    if (!d.limiter.open(prefix)) {
      d.counters.shed.connections++;
      s.destroy();
      return;
    }
    this.conns.add(s);
    d.counters.open++;
    s.once('close', () => {
      this.conns.delete(s);
      d.counters.open--;
      d.limiter.close(prefix);
    });
    if (!d.limiter.take(prefix)) {
      d.counters.shed.rate++;
      s.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let got = 0;
    let done = false;
    let gather: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(gather);
      clearTimeout(wait);
      s.pause();
      const bytes = Buffer.concat(chunks, got);
      const dst = plainAddress(s.localAddress);
      const sni = clientHelloSni(bytes);
      const named = sni ? d.names.cover(sni) : undefined;
      const c: CheckIn = { t: Date.now(), l: 'tcp', p: 'tcp', src, sp: s.remotePort ?? 0, dst, dp: s.localPort ?? 0, n: named ?? dst, first: bytes.subarray(0, this.config.firstBytes).toString('hex') };
      if (sni) c.sni = sni;
      const bot = d.extract({ payload: bytes });
      if (bot) c.bot = bot;
      const ok = checkIn(d, prefix, c, () => {
        d.counters.answered++;
        s.end();
      });
      if (!ok) s.destroy();
    };
    const wait = setTimeout(finish, this.config.limits.headerTimeoutMs);
    s.on('data', (b: Buffer) => {
      if (done) return;
      const room = TCP_READ_MAX - got;
      chunks.push(b.length > room ? b.subarray(0, room) : b);
      got += Math.min(room, b.length);
      if (got >= TCP_READ_MAX) return finish();
      const all = Buffer.concat(chunks, got);
      if (firstRecordComplete(all) && (all[0] === 0x16 || all.includes(10))) return finish();
      gather ??= setTimeout(finish, GATHER_MS);
    });
    s.once('end', finish);
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    const t = setTimeout(() => {
      for (const c of this.conns) c.destroy();
    }, 2000);
    await closed;
    clearTimeout(t);
    this.server = undefined;
  }

  health(): Health {
    return this.server ? { ok: true } : { ok: false, detail: 'tcp listener not running' };
  }

  metrics(): MetricSample[] {
    return this.deps.counters.samples();
  }
}
