// The sinkhole as one component: listener processes (each with its own journal, all sharing the
// listening sockets), the feeders that move every journal into the store in this process, and the
// admin listener that reports on all of them. Start replays nothing by hand: each feeder reads its
// journal from the store's high-water mark, so what a killed process journaled is stored on restart.
import { memoryUsage } from 'node:process';
import { BotcensusError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { AdminListener, type HealthReport } from './admin.js';
import type { Component, Health, MetricSample } from './component.js';
import type { SinkholeConfig } from './config.js';
import { FEEDER_DEFAULTS, highWater, type FeederConfig } from './feeder.js';
import { FeederGroup } from './feeders.js';
import { journalDirs, journalId, listenerJournalDir } from './journal-files.js';
import { ListenerProcess } from './listener-pool.js';
import type { Bound } from './runtime.js';

/** Inside a server: the store's writes take turns with the server's, and the server is told when data changed. */
export interface StoreTurns {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  changed(): void;
}

/** Samples that describe one journal: labelled with it, not added up. */
const PER_JOURNAL = new Set(['journal_last_sequence', 'journal_last_fsync_seconds']);
/** Counts of a socket all listener processes share, reported alike by each. */
const SHARED_SOCKET = new Set(['udp_receive_drops_total']);

export class Sinkhole implements Component {
  readonly name = 'sinkhole';
  private readonly listeners: ListenerProcess[] = [];
  private feeders: FeederGroup | undefined;
  private admin: AdminListener | undefined;
  private stopping = false;
  private fail: (err: Error) => void = () => undefined;
  /** Rejects, naming the listener process, when one ends without being asked to: the process should drain, exit and be restarted. */
  readonly failed: Promise<never> = new Promise<never>((_, reject) => (this.fail = reject));
  bound: Bound = {};
  /** The journals' ids, one per listener process. */
  journals: string[] = [];

  constructor(
    readonly config: SinkholeConfig,
    private readonly deps: { store: Store; feed?: Partial<FeederConfig>; turns?: StoreTurns },
  ) {
    this.failed.catch(() => undefined);
  }

  get journal(): string {
    return this.journals.join(', ');
  }

  /** The listener processes' ids. */
  pids(): number[] {
    return this.listeners.flatMap((l) => (l.pid ? [l.pid] : []));
  }

  async start(): Promise<void> {
    const root = this.config.journal.dir;
    const n = Math.max(1, this.config.listeners);
    try {
      for (let i = 0; i < n; i++) {
        const dir = listenerJournalDir(root, i);
        const minSeq = await highWater(this.deps.store, await journalId(dir));
        // The admin listener runs here, for all of them.
        const l = new ListenerProcess(i, { ...this.config, admin: undefined, journal: { ...this.config.journal, dir } }, minSeq);
        this.listeners.push(l);
        l.onUnexpectedEnd = (how) => {
          if (!this.stopping) this.fail(new BotcensusError('STORE', `sinkhole ${l.describe()} ended unexpectedly (${how})`));
        };
        await l.start();
        this.journals.push(l.journal);
      }
    } catch (err) {
      await this.stopListeners();
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'EACCES' ? ' (ports below 1024 need a capability: see docs/sinkhole.md)' : '';
      throw new BotcensusError('USAGE', `cannot start the sinkhole: ${e.message}${why}`);
    }
    this.bound = { ...this.listeners[0]!.bound };
    const journals = await Promise.all((await journalDirs(root, n)).map(async (dir) => ({ dir, id: await journalId(dir) })));
    this.feeders = new FeederGroup({ ...FEEDER_DEFAULTS, ...this.deps.feed }, { store: this.deps.store, journals, turns: this.deps.turns });
    try {
      await this.feeders.start();
      if (this.config.admin) {
        this.admin = new AdminListener(this.config.admin, { health: () => this.healthReport(), metrics: () => this.allMetrics() });
        await this.admin.start();
        this.bound.admin = this.admin.address();
      }
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  private async stopListeners(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.listeners.map((l) => l.stop()));
  }

  /** Drains: the listeners answer what they accepted and close, then the feeders store every journal. */
  async stop(): Promise<void> {
    await this.stopListeners();
    await this.feeders?.stop();
    await this.admin?.stop();
  }

  async healthReport(): Promise<HealthReport> {
    const reports = await Promise.all(this.listeners.map((l) => l.report()));
    const parts: Record<string, Health> = {};
    reports.forEach((r, i) => {
      for (const [name, h] of Object.entries(r.health)) parts[this.listeners.length > 1 && !name.startsWith('listener process') ? `${name} (process ${i + 1})` : name] = h;
    });
    parts.feeder = this.feeders?.health() ?? { ok: false, detail: 'not started' };
    return { ok: Object.values(parts).every((h) => h.ok), parts };
  }

  health(): Health {
    const ended = this.listeners.find((l) => l.ended);
    if (ended) return { ok: false, detail: `${ended.describe()} ended (${ended.ended})` };
    return this.feeders?.health() ?? { ok: false, detail: 'not started' };
  }

  /** Every listener process's counts added up per listener, each journal's own gauges, the feeders', and the lag. */
  async allMetrics(): Promise<MetricSample[]> {
    const reports = await Promise.all(this.listeners.map((l) => l.report()));
    const summed = new Map<string, MetricSample>();
    const out: MetricSample[] = [];
    let lag = 0;
    reports.forEach((r, i) => {
      const journal = this.listeners[i]!.journal;
      for (const s of r.samples) {
        if (s.name === 'journal_last_sequence') lag += Math.max(0, s.value - (this.feeders?.highWater(journal) ?? 0));
        if (PER_JOURNAL.has(s.name) || s.name === 'resident_memory_bytes') {
          out.push({ ...s, labels: { ...s.labels, ...(PER_JOURNAL.has(s.name) ? { journal } : { process: String(i + 1) }) } });
          continue;
        }
        const key = `${s.name}${JSON.stringify(s.labels)}`;
        const had = summed.get(key);
        // Every listener process reads the one socket the kernel counts drops at: the same figure each.
        if (had && SHARED_SOCKET.has(s.name)) had.value = Math.max(had.value, s.value);
        else if (had) had.value += s.value;
        else summed.set(key, { ...s });
      }
    });
    out.unshift(...summed.values());
    out.push(...(this.feeders?.metrics() ?? []));
    out.push({ name: 'feeder_lag', help: 'journaled check-ins not yet in the store', type: 'gauge', labels: {}, value: lag });
    out.push({ name: 'resident_memory_bytes', help: 'resident set size of the process', type: 'gauge', labels: { process: 'main' }, value: memoryUsage().rss });
    return out;
  }

  metrics(): MetricSample[] {
    return this.feeders?.metrics() ?? [];
  }
}
