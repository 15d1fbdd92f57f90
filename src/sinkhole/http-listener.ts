// HTTP and HTTPS check-ins: method, host, path, query, user agent, chosen headers and (HTTPS) the
// SNI are journaled, then a small fixed response goes back. Slow clients are bounded by header,
// request and idle timeouts, header size and count, and connections per source prefix.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckIn } from './checkin.js';
import type { Component, Health, MetricSample } from './component.js';
import type { ListenAddr, Limits } from './config.js';
import { checkIn, plainAddress, type ListenerDeps } from './listener.js';
import { normalizeName } from './names.js';

export interface HttpConfig {
  listen: ListenAddr;
  tls?: { cert: string; key: string };
  /** Headers kept, lower-case. */
  headers: string[];
  limits: Limits;
}

// A string body goes out in one write with the header (node:http joins them); a Buffer takes a writev of two.
const BODY = 'OK\n';
const OK_HEADERS = { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(BODY)), 'cache-control': 'no-store' };

export class HttpListener implements Component {
  readonly name: string;
  private server: Server | undefined;
  private port = 0;

  constructor(
    readonly config: HttpConfig,
    private readonly deps: ListenerDeps,
  ) {
    this.name = config.tls ? 'https' : 'http';
  }

  address(): ListenAddr {
    return { host: this.config.listen.host, port: this.port };
  }

  async start(): Promise<void> {
    const l = this.config.limits;
    const opts = {
      maxHeaderSize: 8192,
      headersTimeout: l.headerTimeoutMs,
      requestTimeout: l.headerTimeoutMs * 2,
      keepAliveTimeout: 5000,
      connectionsCheckingInterval: 1000,
      noDelay: true,
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    const server: Server = this.config.tls ? createHttps({ ...opts, cert: this.config.tls.cert, key: this.config.tls.key }, handler) : createHttp(opts, handler);
    server.maxHeadersCount = 64;
    server.maxConnections = l.maxConnections;
    server.timeout = l.idleTimeoutMs;
    server.on(this.config.tls ? 'secureConnection' : 'connection', (s: Socket) => this.onConnection(s));
    server.on('clientError', (err: NodeJS.ErrnoException, s: Socket) => {
      const shed = this.deps.counters.shed;
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') shed.timeout++;
      else if (err.code === 'HPE_HEADER_OVERFLOW') shed.size++;
      else shed.malformed++;
      s.destroy();
    });
    server.on('timeout', (s: Socket) => {
      this.deps.counters.shed.timeout++;
      s.destroy();
    });
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
    const prefix = d.limiter.key(s.remoteAddress ?? '');
    if (!d.limiter.open(prefix)) {
      d.counters.shed.connections++;
      s.destroy();
      return;
    }
    d.counters.open++;
    s.once('close', () => {
      d.counters.open--;
      d.limiter.close(prefix);
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const d = this.deps;
    const sock = req.socket;
    const src = plainAddress(sock.remoteAddress);
    const prefix = d.limiter.key(src);
    if (!d.limiter.take(prefix)) {
      d.counters.shed.rate++;
      res.writeHead(429, { 'retry-after': '1', connection: 'close', 'content-length': '0' }).end();
      return;
    }
    const url = req.url ?? '/';
    const qm = url.indexOf('?');
    const path = qm < 0 ? url : url.slice(0, qm);
    const query = qm < 0 ? undefined : url.slice(qm + 1);
    const host = hostOnly(req.headers.host);
    const sni = this.config.tls ? ((sock as TLSSocket).servername || undefined) : undefined;
    const dst = plainAddress(sock.localAddress);
    const named = (host && d.names.cover(host)) || (sni && d.names.cover(sni));
    const c: CheckIn = { t: Date.now(), l: this.name, p: 'tcp', src, sp: sock.remotePort ?? 0, dst, dp: sock.localPort ?? 0, n: named || dst, m: req.method, path };
    if (host) c.q = host;
    if (query !== undefined) c.query = query;
    const ua = req.headers['user-agent'];
    if (ua) c.ua = ua;
    if (sni) c.sni = sni;
    const h: Record<string, string> = {};
    let any = false;
    for (const name of this.config.headers) {
      const v = req.headers[name];
      if (v === undefined) continue;
      h[name] = Array.isArray(v) ? v.join(', ') : v;
      any = true;
    }
    if (any) c.h = h;
    const bot = d.extract({ path, query, headers: req.headers });
    if (bot) c.bot = bot;
    const accepted = checkIn(d, prefix, c, (ok) => {
      if (res.destroyed) return;
      d.counters.answered++;
      if (ok) res.writeHead(200, OK_HEADERS).end(BODY);
      else res.writeHead(503, { connection: 'close', 'content-length': '0' }).end();
    });
    if (!accepted) res.writeHead(503, { 'retry-after': '1', connection: 'close', 'content-length': '0' }).end();
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    s.closeIdleConnections();
    const t = setTimeout(() => s.closeAllConnections(), 2000);
    await closed;
    clearTimeout(t);
    this.server = undefined;
  }

  health(): Health {
    return this.server ? { ok: true } : { ok: false, detail: `${this.name} listener not running` };
  }

  metrics(): MetricSample[] {
    return this.deps.counters.samples();
  }
}

/** The Host header's name, lower-case, without port or brackets. */
function hostOnly(h: string | undefined): string | undefined {
  if (!h) return undefined;
  let v = h.trim();
  if (v.startsWith('[')) v = v.slice(1, v.indexOf(']') > 0 ? v.indexOf(']') : undefined);
  else if (v.indexOf(':') === v.lastIndexOf(':')) v = v.replace(/:\d*$/, '');
  return normalizeName(v) || undefined;
}
