// Entry of a listener process, forked through node:cluster so that every listener process shares
// the listening sockets: runs a ListenerRuntime with its own journal, reports its health and counts
// when asked, drains when told to stop, and exits at once when the main process is gone (what it
// acknowledged is in its journal; the next start stores it).
import process from 'node:process';
import type { Health, MetricSample } from './component.js';
import type { SinkholeConfig } from './config.js';
import { ListenerRuntime } from './runtime.js';

export type ToListener = { type: 'init'; config: SinkholeConfig; minSeq: number } | { type: 'report'; id: number } | { type: 'stop' };
export type FromListener =
  | { type: 'up' }
  | { type: 'ready'; bound: ReturnType<ListenerRuntime['bound']>; journal: string }
  | { type: 'error'; message: string; code?: string }
  | { type: 'report'; id: number; health: Record<string, Health>; samples: MetricSample[] }
  | { type: 'crashed'; message: string }
  | { type: 'stopped' };

const post = (m: FromListener, then?: () => void) => process.send?.(m, undefined, {}, () => then?.());
let rt: ListenerRuntime | undefined;

process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal and systemd's stop signal every process of the group: the main process
// drains the listeners in order (answer what was accepted, then store it), so they wait to be told.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
// A failure no listener caught ends this process: the main process names it in its one line (the
// stack only with BOTCENSUS_DEBUG=1), then drains the others and exits.
process.on('uncaughtException', (err) => {
  if (process.env.BOTCENSUS_DEBUG === '1') process.stderr.write(`${err.stack ?? err}\n`);
  const message = String(err.message ?? err).split('\n')[0]!.slice(0, 300);
  if (process.connected) post({ type: 'crashed', message }, () => process.exit(70));
  else process.exit(70);
});
process.on('message', (m: ToListener) => {
  if (m.type === 'init') {
    const r = new ListenerRuntime(m.config, m.minSeq);
    rt = r;
    r.start().then(
      () => post({ type: 'ready', bound: r.bound(), journal: r.journal.id }),
      async (err: NodeJS.ErrnoException) => {
        await r.stop().catch(() => undefined);
        post({ type: 'error', message: err.message, code: err.code }, () => process.disconnect());
      },
    );
  } else if (m.type === 'report' && rt) {
    post({ type: 'report', id: m.id, health: rt.healthParts().parts, samples: rt.metrics() });
  } else if (m.type === 'stop') {
    void (rt?.stop() ?? Promise.resolve()).finally(() => {
      post({ type: 'stopped' }, () => process.disconnect());
    });
  }
});
// Messages that arrive before this module runs find no listener and are lost: the main process sends
// the config only once told the process is up.
post({ type: 'up' });
