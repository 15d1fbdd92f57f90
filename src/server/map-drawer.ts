// Draws world maps in one worker thread (see map-worker.ts), started at the first map and ended
// with the server; it does not keep the process alive on its own.
import { Worker } from 'node:worker_threads';
import type { CountryCount, WorldMapOptions } from '../report/charts/index.js';
import type { MapReply } from './map-worker.js';

export interface DrawnMap {
  svg: string;
  /** The counts the map cannot place (unknown country, or no shape and no point). */
  offMap: CountryCount[];
}

export class MapDrawer {
  private worker?: Worker;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (m: DrawnMap) => void; reject: (e: Error) => void }>();

  draw(counts: CountryCount[], opts: WorldMapOptions = {}): Promise<DrawnMap> {
    const worker = this.start();
    const id = ++this.seq;
    return new Promise<DrawnMap>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, counts, opts });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./map-worker.js', import.meta.url));
    w.on('message', (m: MapReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if ('error' in m) p.reject(new Error(`drawing the map: ${m.error}`));
      else p.resolve({ svg: m.svg, offMap: m.offMap });
    });
    w.on('error', (err) => this.fail(err));
    w.on('exit', () => {
      this.worker = undefined;
      this.fail(new Error('the map worker stopped'));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
