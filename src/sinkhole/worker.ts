// Entry of the listeners' worker thread: runs a ListenerRuntime, reports where it listens, takes
// the feeder's state from the main thread, and drains when told to stop.
import { parentPort, workerData } from 'node:worker_threads';
import type { SinkholeConfig } from './config.js';
import type { FeederStats } from './feeder.js';
import { ListenerRuntime } from './runtime.js';

export type ToWorker = { type: 'feeder'; stats: FeederStats & { failing?: boolean } } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready'; bound: ReturnType<ListenerRuntime['bound']>; journal: string }
  | { type: 'error'; message: string; code?: string }
  | { type: 'stopped' };

const port = parentPort!;
const { config, minSeq } = workerData as { config: SinkholeConfig; minSeq: number };
const rt = new ListenerRuntime(config, minSeq);
const post = (m: FromWorker) => port.postMessage(m);

rt.start().then(
  () => post({ type: 'ready', bound: rt.bound(), journal: rt.journal.id }),
  async (err: NodeJS.ErrnoException) => {
    post({ type: 'error', message: err.message, code: err.code });
    await rt.stop().catch(() => undefined);
    port.close();
  },
);

port.on('message', (m: ToWorker) => {
  if (m.type === 'feeder') rt.feeder = m.stats;
  else if (m.type === 'stop')
    void rt.stop().finally(() => {
      post({ type: 'stopped' });
      port.close();
    });
});
