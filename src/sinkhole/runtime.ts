// The listeners' side of the sinkhole, run in listener processes (listener-process.ts) so the
// store's work never stalls an answer: the journal, one limiter and one set of counts per listener,
// the listeners, and (when configured here, as in tests) an admin listener that reports on them.
import { memoryUsage } from 'node:process';
import type { Component, Health, MetricSample } from './component.js';
import type { ListenAddr, SinkholeConfig } from './config.js';
import { ListenerCounters } from './counters.js';
import { DnsListener } from './dns-listener.js';
import { compileExtractors } from './extractors.js';
import { HttpListener } from './http-listener.js';
import { Journal } from './journal.js';
import { PrefixLimiter } from './limiter.js';
import type { ListenerDeps } from './listener.js';
import { NameSet } from './names.js';
import { AdminListener } from './admin.js';
import { TcpListener } from './tcp-listener.js';

/** What a started runtime is listening on, by listener name. */
export type Bound = Record<string, ListenAddr>;

type Listener = Component & { address(): ListenAddr };

export class ListenerRuntime implements Component {
  readonly name = 'listeners';
  readonly journal: Journal;
  private readonly listeners: [string, Listener][] = [];
  private readonly limiters: [string, PrefixLimiter][] = [];
  private admin: AdminListener | undefined;

  constructor(
    readonly config: SinkholeConfig,
    minSeq: number,
  ) {
    this.journal = new Journal(config.journal, minSeq);
    const names = new NameSet(config.names);
    const extract = compileExtractors(config.botId);
    const deps = (label: string): ListenerDeps => {
      const limiter = new PrefixLimiter({ ...config.limits });
      this.limiters.push([label, limiter]);
      return { journal: this.journal, names, extract, limiter, counters: new ListenerCounters(label) };
    };
    const { limits } = config;
    if (config.dns)
      this.listeners.push(['dns', new DnsListener({ listen: config.dns, answerV4: config.answerV4, answerV6: config.answerV6, ttl: config.ttl, limits }, deps('dns-udp'), deps('dns-tcp'))]);
    if (config.http) this.listeners.push(['http', new HttpListener({ listen: config.http, headers: config.headers, limits }, deps('http'))]);
    if (config.https)
      this.listeners.push(['https', new HttpListener({ listen: config.https, tls: { cert: config.https.cert, key: config.https.key }, headers: config.headers, limits }, deps('https'))]);
    config.tcp.forEach((t, i) => {
      const label = `tcp${i + 1}`;
      this.listeners.push([label, new TcpListener({ listen: t, firstBytes: config.firstBytes, limits }, deps(label))]);
    });
    if (config.admin) this.admin = new AdminListener(config.admin, { health: () => this.healthParts(), metrics: () => this.metrics() });
  }

  async start(): Promise<void> {
    await this.journal.start();
    for (const [, l] of this.listeners) await l.start();
    await this.admin?.start();
  }

  bound(): Bound {
    const out: Bound = {};
    for (const [name, l] of this.listeners) out[name] = l.address();
    if (this.admin) out.admin = this.admin.address();
    return out;
  }

  /** Refuses new check-ins, answers those accepted once durable, then closes the listeners. */
  async stop(): Promise<void> {
    await this.journal.stop();
    for (const [, l] of this.listeners) await l.stop();
    await this.admin?.stop();
  }

  healthParts(): { ok: boolean; parts: Record<string, Health> } {
    const parts: Record<string, Health> = { journal: this.journal.health() };
    for (const [name, l] of this.listeners) parts[name] = l.health();
    return { ok: Object.values(parts).every((h) => h.ok), parts };
  }

  health(): Health {
    const h = this.healthParts();
    return h.ok ? { ok: true } : { ok: false, detail: Object.entries(h.parts).filter(([, p]) => !p.ok).map(([n, p]) => `${n}: ${p.detail}`).join('; ') };
  }

  metrics(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const [, l] of this.listeners) out.push(...l.metrics());
    out.push(...this.journal.metrics());
    for (const [label, lim] of this.limiters) {
      out.push({ name: 'tracked_prefixes', help: 'source prefixes with rate-limit state', type: 'gauge', labels: { listener: label }, value: lim.tracked });
      for (const [prefix, n] of lim.shedByPrefix)
        out.push({ name: 'shed_by_prefix_total', help: 'requests or connections shed, by source prefix', type: 'counter', labels: { listener: label, prefix }, value: n });
    }
    const m = memoryUsage();
    out.push({ name: 'resident_memory_bytes', help: 'resident set size of the process', type: 'gauge', labels: {}, value: m.rss });
    return out;
  }
}
