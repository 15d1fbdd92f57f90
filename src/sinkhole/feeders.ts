// One feeder per journal (one journal per listener process), paced as one: they import a batch
// each in turn, so the store takes one sinkhole import at a time and no journal waits for another
// to run dry, and the group sleeps only when every journal was fed to its end.
import type { Component, Health, MetricSample } from './component.js';
import { Feeder, feederSamples, type FeederConfig, type FeederStats } from './feeder.js';
import type { Store } from '../store/store.js';

export interface FeederGroupDeps {
  store: Store;
  /** Journal folders with their ids. */
  journals: { dir: string; id: string }[];
  turns?: { exclusive<T>(fn: () => Promise<T>): Promise<T>; changed(): void };
}

export class FeederGroup implements Component {
  readonly name = 'feeder';
  readonly feeders: Feeder[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    readonly config: FeederConfig,
    deps: FeederGroupDeps,
  ) {
    this.feeders = deps.journals.map((j) => new Feeder(config, { store: deps.store, dir: j.dir, journal: j.id, turns: deps.turns }));
  }

  async start(): Promise<void> {
    for (const f of this.feeders) await f.prepare();
    this.loop();
  }

  private loop(): void {
    if (this.stopped) return;
    this.running = (async () => {
      // One batch of each journal in turn, so that a journal that never runs dry under load does not
      // keep the others waiting; round after round until none had anything to read.
      for (let fed = true; fed && !this.stopped; ) {
        fed = false;
        for (const f of this.feeders) {
          if (this.stopped) return;
          if ((await f.feedPaced().catch(() => -1)) >= 0) fed = true;
        }
      }
    })().then(() => {
      if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.config.intervalMs);
    });
  }

  /** Finishes the round under way, then feeds every journal to its end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const f of this.feeders) await f.stop();
  }

  /** The store's high-water mark of journal `id`. */
  highWater(id: string): number {
    return this.feeders.find((f) => f.journal === id)?.stats.highWater ?? 0;
  }

  health(): Health {
    const bad = this.feeders.map((f) => f.health()).find((h) => !h.ok);
    return bad ?? { ok: true };
  }

  /** The feeders' counts added up (the high-water marks too: see metrics for each journal's). */
  stats(): FeederStats {
    const sum: FeederStats = { written: 0, batches: 0, rejected: 0, torn: 0, highWater: 0 };
    for (const { stats: s } of this.feeders) {
      sum.written += s.written;
      sum.batches += s.batches;
      sum.rejected += s.rejected;
      sum.torn += s.torn;
      sum.highWater += s.highWater;
      sum.lastError ??= s.lastError;
    }
    return sum;
  }

  metrics(): MetricSample[] {
    const out = feederSamples(this.stats()).filter((m) => m.name !== 'feeder_high_water');
    for (const f of this.feeders)
      out.push({ name: 'feeder_high_water', help: 'last journal sequence number in the store, per journal', type: 'gauge', labels: { journal: f.journal }, value: f.stats.highWater });
    return out;
  }
}
