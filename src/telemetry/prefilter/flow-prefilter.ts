// The flow prefilter (`ingest --prefilter`): at ISP scale most flows touch no indicator, and
// storing them costs more than everything else together. Worker threads (one per core) scan the
// CSV's bytes chunk by chunk and keep only the lines with an address near some address indicator
// (core/flow-near.ts: in a /24 or IPv6 /48 it overlaps), or anything odd; DuckDB then loads just
// those. Dropped lines are counted (imports.prefiltered), not stored: indicators added later have
// the file read again for the lines near them (flow-rescan.ts).
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FlowCandidateFiles, FlowCsvLayout, FlowFileSource, TimeSpan } from '../../store/store.js';
import { NearNets } from './near-nets.js';
import { ColumnCheck, type ChunkResult, type ChunkSpec } from './flow-prefilter-scan.js';

/** What the scan checks per column before it may drop a line. */
export function columnChecks(l: FlowCsvLayout): ColumnCheck[] {
  const checks = l.names.map(() => ColumnCheck.Any);
  checks[l.src] = ColumnCheck.Address;
  checks[l.dst] = ColumnCheck.Address;
  checks[l.start] = l.startKind === 'text' ? ColumnCheck.TextTime : ColumnCheck.EpochMs;
  for (const c of [l.sport, l.dport, l.bytes, l.packets]) if (c !== undefined) checks[c] = ColumnCheck.Digits;
  return checks;
}

/** Where a file is and what it is like now: recorded with a prefiltered import. */
export async function fileSource(file: string): Promise<FlowFileSource> {
  const st = await stat(file);
  return { path: resolve(file), size: st.size, mtimeMs: st.mtimeMs };
}

/** Chunks are this size (at least): small enough to share out evenly, large enough to cost nothing. */
const CHUNK = 32 << 20;

/**
 * Scan workers kept between files: starting one costs about 45 ms of CPU (Node's own modules),
 * as much as scanning 40 MB, and a feed of five-minute files would pay it twice per file. Idle
 * ones end after a second, and never keep the process alive.
 */
class ScanWorkers {
  private idle: { w: Worker; off: () => void }[] = [];
  private timer?: NodeJS.Timeout;
  /** Workers started so far (for tests). */
  started = 0;

  take(): Worker {
    clearTimeout(this.timer);
    const kept = this.idle.pop();
    if (kept) {
      kept.off();
      kept.w.ref();
      return kept.w;
    }
    this.started++;
    return new Worker(new URL('./flow-prefilter-worker.js', import.meta.url));
  }

  /**
   * A worker done with its last chunk, for the next file; the caller has removed its listeners.
   * (Not removeAllListeners: the Worker's own, which start its message port, would go too.)
   */
  give(w: Worker): void {
    w.unref();
    // One that fails or ends while idle (it should not) is not handed out again.
    const ignore = () => undefined;
    const gone = () => (this.idle = this.idle.filter((x) => x.w !== w));
    w.on('error', ignore);
    w.once('exit', gone);
    this.idle.push({ w, off: () => void w.off('error', ignore).off('exit', gone) });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void Promise.all(this.idle.splice(0).map((x) => x.w.terminate())), 1000);
    this.timer.unref();
  }
}

export const scanWorkers = new ScanWorkers();

export async function prefilterFlowCsv(
  file: string,
  layout: FlowCsvLayout,
  nets: NearNets,
  dir: string,
  opts: { workers?: number; chunkSize?: number; onProgress?: (bytes: number) => void } = {},
): Promise<FlowCandidateFiles> {
  const size = statSync(file).size;
  const count = Math.max(1, Math.ceil(size / (opts.chunkSize ?? CHUNK)));
  const checks = columnChecks(layout);
  const v6Runs = nets.v6.packed();
  const specs: ChunkSpec[] = Array.from({ length: count }, (_, k) => ({
    file,
    start: Math.floor((size * k) / count),
    end: Math.floor((size * (k + 1)) / count),
    header: k === 0,
    out: join(dir, `kept-${k}.csv`),
    checks,
    addresses: [layout.src, layout.dst],
    bits: nets.v4.buffer,
    v6: v6Runs,
  }));
  // Each worker takes the next chunk when it is done with one, so a core that something else
  // (the file's hash, another process) slows down takes fewer.
  const results: ChunkResult[] = [];
  let next = 0;
  let done = 0;
  const busy = new Set<Worker>();
  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), count));
  const all = Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = scanWorkers.take();
          busy.add(w);
          let current = -1;
          const onMessage = (m: { progress: number; done?: ChunkResult }) => {
            done += m.progress;
            if (m.progress) opts.onProgress?.(done);
            if (m.done) {
              results[current] = m.done;
              give();
            }
          };
          const onExit = (code: number) => {
            if (current < count) reject(new Error(`prefilter worker exited with code ${code}`));
          };
          const give = () => {
            current = next++;
            if (current < count) return void w.postMessage(specs[current]);
            w.off('message', onMessage).off('error', reject).off('exit', onExit);
            busy.delete(w);
            scanWorkers.give(w);
            resolve();
          };
          w.on('message', onMessage).on('error', reject).on('exit', onExit);
          give();
        }),
    ),
  );
  // One worker failing stops the others (none goes back for the next file): the caller removes
  // the folder they write to.
  await all.catch(async (err: unknown) => {
    await Promise.all([...busy].map((t) => t.terminate()));
    throw err;
  });
  const chunks: FlowCandidateFiles['chunks'] = [];
  let line = 2; // the header is line 1
  for (const [k, r] of results.entries()) {
    chunks.push({ file: specs[k]!.out, firstLine: line });
    line += r.lines;
  }
  const times = results.flatMap((r) => r.times ?? []);
  return {
    lines: results.reduce((n, r) => n + r.lines, 0),
    blank: results.reduce((n, r) => n + r.blank, 0),
    kept: results.reduce((n, r) => n + r.kept, 0),
    chunks,
    span: times.length ? spanOfTimes(Math.min(...times), Math.max(...times), layout.startKind) : undefined,
  };
}

/** The scan's earliest and latest start time (ChunkResult.times) as a span in ms: a text time's to the minute. */
export function spanOfTimes(min: number, max: number, kind: FlowCsvLayout['startKind']): TimeSpan | undefined {
  if (kind === 'epoch-ms') return { from: min, to: max };
  if (kind !== 'text') return undefined;
  // yyyymmddhhmm as packed BCD: byte k (from the lowest) holds minutes, hours, day, month, then the year's two halves.
  const ms = (key: number) => {
    const byte = (k: number) => {
      const b = Math.floor(key / 2 ** (8 * k)) % 256;
      return (b >> 4) * 10 + (b & 15);
    };
    const d = new Date(0);
    d.setUTCFullYear(byte(5) * 100 + byte(4), byte(3) - 1, byte(2));
    d.setUTCHours(byte(1), byte(0));
    return d.getTime();
  };
  return { from: ms(min), to: ms(max) + 60_000 - 1 };
}
