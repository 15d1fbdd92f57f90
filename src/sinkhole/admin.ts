// The admin listener: GET /metrics (Prometheus text) and GET /health (JSON; 200 when green, 503
// when red). It listens on its own port, so a flood of the sinkhole's ports does not reach it; it
// runs in the main process and asks every listener process for its part.
import { createServer, type Server } from 'node:http';
import type { Component, Health, MetricSample } from './component.js';
import type { ListenAddr } from './config.js';
import { renderPrometheus } from './metrics.js';

export interface AdminDeps {
  health: () => HealthReport | Promise<HealthReport>;
  metrics: () => MetricSample[] | Promise<MetricSample[]>;
}

export interface HealthReport {
  ok: boolean;
  parts: Record<string, Health>;
}

export class AdminListener implements Component {
  readonly name = 'admin';
  private server: Server | undefined;
  private port = 0;

  constructor(
    readonly listen: ListenAddr,
    private readonly deps: AdminDeps,
  ) {}

  address(): ListenAddr {
    return { host: this.listen.host, port: this.port };
  }

  async start(): Promise<void> {
    const server = createServer({ headersTimeout: 5000, requestTimeout: 10_000 }, async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/metrics') {
        const samples = await this.deps.metrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderPrometheus(samples));
      } else if (req.method === 'GET' && path === '/health') {
        const h = await this.deps.health();
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: h.ok ? 'green' : 'red', parts: h.parts }) + '\n');
      } else res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics or /health\n');
    });
    server.maxConnections = 64;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    s.closeAllConnections();
    await closed;
    this.server = undefined;
  }

  health(): Health {
    return { ok: true };
  }

  metrics(): MetricSample[] {
    return [];
  }
}
