// The main process's side of the listener processes: forks them through node:cluster (which hands
// every process the same listening sockets; the kernel spreads datagrams and connections among
// them), asks them for their health and counts, stops them, and says when one ended unasked.
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Health, MetricSample } from './component.js';
import type { SinkholeConfig } from './config.js';
import type { FromListener, ToListener } from './listener-process.js';
import type { Bound } from './runtime.js';

/** How long a listener process may take to answer a report request before it counts as not answering. */
const REPORT_TIMEOUT_MS = 2000;

export interface ListenerReport {
  health: Record<string, Health>;
  samples: MetricSample[];
}

let primarySet = false;

function setupPrimary(): void {
  if (primarySet) return;
  primarySet = true;
  // Every process accepts on the shared socket itself: no hand-off of each connection through this process.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./listener-process.js', import.meta.url)),
    args: [],
    execArgv: process.execArgv.filter((a) => !a.startsWith('--test')),
  });
}

export class ListenerProcess {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (r: ListenerReport) => void>();
  private stopping = false;
  bound: Bound = {};
  journal = '';
  /** Set when the process ended: how ("exit code 1", "signal SIGKILL"). */
  ended: string | undefined;
  /** The message of the failure that ended it, when it said. */
  private crash: string | undefined;
  /** Called once when the process ends without being asked to. */
  onUnexpectedEnd: (how: string) => void = () => undefined;

  /** `index` is 0-based; the process is named by index + 1. */
  constructor(
    readonly index: number,
    private readonly config: SinkholeConfig,
    private readonly minSeq: number,
  ) {}

  get pid(): number | undefined {
    return this.worker?.process.pid;
  }

  /** "listener process 2 (pid 1234: dns 127.0.0.1:5353, http 127.0.0.1:8080)". */
  describe(): string {
    const where = Object.entries(this.bound)
      .filter(([k]) => k !== 'admin')
      .map(([k, a]) => `${k} ${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`)
      .join(', ');
    return `listener process ${this.index + 1} (pid ${this.pid ?? '?'}${where ? `: ${where}` : ''})`;
  }

  /** Forks the process and resolves once it listens; rejects with its error (code kept) when it cannot. */
  start(): Promise<void> {
    setupPrimary();
    const w = cluster.fork({ BOTCENSUS_SINKHOLE_LISTENER: String(this.index + 1) });
    this.worker = w;
    w.on('message', (m: FromListener) => {
      if (m.type === 'crashed') this.crash = m.message;
      if (m.type !== 'report') return;
      const done = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      done?.({ health: m.health, samples: m.samples });
    });
    w.on('exit', (code, signal) => {
      this.ended = (signal ? `signal ${signal}` : `exit code ${code}`) + (this.crash ? `: ${this.crash}` : '');
      for (const [, done] of this.waiting) done(this.silent());
      this.waiting.clear();
      if (!this.stopping) this.onUnexpectedEnd(this.ended);
    });
    w.on('error', () => undefined);
    return new Promise<void>((resolve, reject) => {
      const first = (m: FromListener) => {
        if (m.type === 'up') w.send({ type: 'init', config: this.config, minSeq: this.minSeq } satisfies ToListener);
        else if (m.type === 'ready') {
          w.off('message', first);
          this.bound = m.bound;
          this.journal = m.journal;
          resolve();
        } else if (m.type === 'error') {
          w.off('message', first);
          this.stopping = true;
          reject(Object.assign(new Error(m.message), { code: m.code }));
        }
      };
      w.on('message', first);
      w.once('exit', () => reject(new Error(`${this.describe()} ended while starting (${this.ended})`)));
    });
  }

  private silent(): ListenerReport {
    return { health: { [`listener process ${this.index + 1}`]: { ok: false, detail: this.ended ? `ended (${this.ended})` : 'not answering' } }, samples: [] };
  }

  /** Its health and counts, or a red part when it ended or did not answer in time. */
  report(): Promise<ListenerReport> {
    const w = this.worker;
    if (!w || this.ended) return Promise.resolve(this.silent());
    const id = this.nextId++;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        resolve(this.silent());
      }, REPORT_TIMEOUT_MS);
      this.waiting.set(id, (r) => {
        clearTimeout(t);
        resolve(r);
      });
      w.send({ type: 'report', id } satisfies ToListener);
    });
  }

  /** Asks it to drain (answer what it accepted, close its sockets) and waits until it has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    const w = this.worker;
    if (!w || this.ended) return;
    const ended = new Promise<void>((r) => w.once('exit', () => r()));
    if (w.isConnected()) w.send({ type: 'stop' } satisfies ToListener);
    else w.process.kill('SIGTERM');
    await ended;
  }
}
