// Output of one command run inside a process that does other things too (a server running handed-off
// commands, a drop-folder watcher): what the command writes to stdout/stderr, console.* included,
// goes to its own sink; everything else goes where it always went.
import { AsyncLocalStorage } from 'node:async_hooks';

export type OutputSink = (stream: 'out' | 'err', text: string) => void;

const sinks = new AsyncLocalStorage<OutputSink>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const [stream, key] of [
    [process.stdout, 'out'],
    [process.stderr, 'err'],
  ] as const) {
    const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
      const sink = sinks.getStore();
      if (!sink) return original(chunk, encoding, cb);
      sink(key, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}

export function withOutputTo<T>(sink: OutputSink, fn: () => Promise<T>): Promise<T> {
  install();
  return sinks.run(sink, fn);
}

/** Runs `fn` and gives what it wrote. */
export async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  let out = '';
  let err = '';
  const value = await withOutputTo((s, t) => (s === 'out' ? (out += t) : (err += t)), fn);
  return { value, out, err };
}
