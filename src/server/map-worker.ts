// The world map drawn in a worker thread: projecting every country's shape takes 100-700 ms of CPU
// (and loading the atlas 500 ms more), which on the server's own thread would stall every other
// answer, the health check included. Messages: { id, counts, opts } in, { id, svg, offMap } or
// { id, error } out.
import { parentPort } from 'node:worker_threads';
import { countriesOffMap, loadWorldAtlas, worldMapSvg, type CountryCount, type WorldMapOptions } from '../report/charts/index.js';

export interface MapRequest {
  id: number;
  counts: CountryCount[];
  opts: WorldMapOptions;
}

export type MapReply = { id: number; svg: string; offMap: CountryCount[] } | { id: number; error: string };

parentPort?.on('message', (m: MapRequest) => {
  try {
    const atlas = loadWorldAtlas();
    parentPort!.postMessage({ id: m.id, svg: worldMapSvg(m.counts, atlas, m.opts), offMap: countriesOffMap(m.counts, atlas) } satisfies MapReply);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message } satisfies MapReply);
  }
});
