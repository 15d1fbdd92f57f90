// The sinkhole as one component: the listeners and journal in a worker thread, the feeder that
// moves the journal into the store in this thread. Start replays nothing by hand: the feeder reads
// the journal from its high-water mark, so what a killed process journaled is stored on restart.
import { Worker } from 'node:worker_threads';
import { BotcensusError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { Component, Health, MetricSample } from './component.js';
import type { SinkholeConfig } from './config.js';
import { Feeder, FEEDER_DEFAULTS, highWater, type FeederConfig } from './feeder.js';
import { journalId } from './journal-files.js';
import type { Bound } from './runtime.js';
import type { FromWorker, ToWorker } from './worker.js';

/** Inside a server: the store's writes take turns with the server's, and the server is told when data changed. */
export interface StoreTurns {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  changed(): void;
}

export class Sinkhole implements Component {
  readonly name = 'sinkhole';
  private worker: Worker | undefined;
  private feeder: Feeder | undefined;
  private exited = false;
  private stopping = false;
  /** Rejects when the listeners' thread ends without being asked to (a crash): the process should exit and be restarted. */
  failed: Promise<never> = new Promise<never>(() => undefined);
  bound: Bound = {};
  journal = '';

  constructor(
    readonly config: SinkholeConfig,
    private readonly deps: { store: Store; feed?: Partial<FeederConfig>; turns?: StoreTurns },
  ) {}

  async start(): Promise<void> {
    const dir = this.config.journal.dir;
    this.journal = await journalId(dir);
    const minSeq = await highWater(this.deps.store, this.journal);
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { config: this.config, minSeq } });
    this.worker = worker;
    this.failed = new Promise<never>((_, reject) => {
      worker.on('exit', () => {
        this.exited = true;
        if (!this.stopping) reject(new BotcensusError('STORE', 'the sinkhole listeners stopped unexpectedly'));
      });
    });
    this.failed.catch(() => undefined);
    const first = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (first.type === 'error') {
      await worker.terminate();
      const why = first.code === 'EACCES' ? ' (ports below 1024 need a capability: see docs/sinkhole.md)' : '';
      throw new BotcensusError('USAGE', `cannot start the sinkhole: ${first.message}${why}`);
    }
    if (first.type !== 'ready') throw new BotcensusError('USAGE', 'the sinkhole worker did not start');
    this.bound = first.bound;
    const post = (m: ToWorker) => {
      if (!this.exited) worker.postMessage(m);
    };
    this.feeder = new Feeder(
      { ...FEEDER_DEFAULTS, ...this.deps.feed },
      {
        store: this.deps.store,
        dir,
        journal: this.journal,
        turns: this.deps.turns,
        onBatch: (s) => post({ type: 'feeder', stats: { ...s, failing: !this.feeder!.health().ok } }),
      },
    );
    try {
      await this.feeder.start();
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** Drains: the listeners answer what they accepted and close, then the feeder stores the whole journal. */
  async stop(): Promise<void> {
    this.stopping = true;
    const w = this.worker;
    if (w && !this.exited) {
      const stopped = new Promise<void>((resolve) => {
        w.on('message', (m: FromWorker) => m.type === 'stopped' && resolve());
        w.once('exit', () => resolve());
      });
      w.postMessage({ type: 'stop' } satisfies ToWorker);
      await stopped;
    }
    await this.feeder?.stop();
  }

  health(): Health {
    if (this.exited) return { ok: false, detail: 'listeners stopped' };
    return this.feeder?.health() ?? { ok: false, detail: 'not started' };
  }

  metrics(): MetricSample[] {
    return this.feeder?.metrics() ?? [];
  }
}
