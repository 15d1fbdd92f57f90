// Draws world maps in one worker thread (see map-worker.ts), started at the first map and ended
// with the server; it does not keep the process alive on its own, and none starts once closed.
import { Worker } from 'node:worker_threads';
import type { CountryCount, WorldMapOptions } from '../report/charts/index.js';
import type { MapReply } from './map-worker.js';

export interface DrawnMap {
  svg: string;
  /** The counts the map cannot place (unknown country, or no shape and no point). */
  offMap: CountryCount[];
}

interface Pending {
  resolve: (m: DrawnMap) => void;
  reject: (e: Error) => void;
}

/** One worker and the drawings it owes: a worker that ends fails its own, never a later one's. */
interface Drawing {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class MapDrawer {
  private current?: Drawing;
  private seq = 0;
  private closed = false;

  draw(counts: CountryCount[], opts: WorldMapOptions = {}): Promise<DrawnMap> {
    if (this.closed) return Promise.reject(new Error('drawing the map: the server is closing'));
    const drawing = this.start();
    const id = ++this.seq;
    return new Promise<DrawnMap>((resolve, reject) => {
      drawing.pending.set(id, { resolve, reject });
      // Referenced only while it owes a map, so an idle worker never holds the process.
      if (drawing.pending.size === 1) drawing.worker.ref();
      drawing.worker.postMessage({ id, counts, opts });
    });
  }

  private start(): Drawing {
    if (this.current) return this.current;
    const worker = new Worker(new URL('./map-worker.js', import.meta.url));
    const drawing: Drawing = { worker, pending: new Map() };
    worker.on('message', (m: MapReply) => {
      const p = drawing.pending.get(m.id);
      drawing.pending.delete(m.id);
      if (drawing.pending.size === 0) worker.unref();
      if (!p) return;
      if ('error' in m) p.reject(new Error(`drawing the map: ${m.error}`));
      else p.resolve({ svg: m.svg, offMap: m.offMap });
    });
    worker.on('error', (err) => this.fail(drawing, err));
    worker.on('exit', () => {
      if (this.current === drawing) this.current = undefined;
      this.fail(drawing, new Error('the map worker stopped'));
    });
    worker.unref();
    this.current = drawing;
    return drawing;
  }

  private fail(drawing: Drawing, err: Error): void {
    for (const p of drawing.pending.values()) p.reject(err);
    drawing.pending.clear();
    drawing.worker.unref();
  }

  /** Ends the worker; drawings still owed are rejected, and later ones refused. */
  async close(): Promise<void> {
    this.closed = true;
    const drawing = this.current;
    this.current = undefined;
    if (drawing) await drawing.worker.terminate();
  }
}
