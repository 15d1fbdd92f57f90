// A one-line progress display on stderr when it is a terminal; silent otherwise (CI, pipes).
import { statSync } from 'node:fs';

export interface Progress {
  update(done: number): void;
  done(summary?: string): void;
}

export function fileProgress(label: string, file?: string): Progress {
  const tty = process.stderr.isTTY === true;
  let total = 0;
  try {
    if (file) total = statSync(file).size;
  } catch {
    total = 0;
  }
  const started = Date.now();
  let last = 0;
  return {
    update(done: number) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const secs = (now - started) / 1000;
      const rate = secs > 0 ? done / secs / 1e6 : 0;
      const pct = total ? ` ${Math.min(100, (100 * done) / total).toFixed(0)}%` : '';
      process.stderr.write(`\r\x1b[K${label}${pct} ${(done / 1e6).toFixed(1)} MB ${rate.toFixed(1)} MB/s`);
    },
    done(summary?: string) {
      if (tty) process.stderr.write('\r\x1b[K');
      if (summary) process.stderr.write(summary + '\n');
    },
  };
}

/** A step counter for multi-stage work ("[2/5] generating flows"). */
export function steps(total: number): (label: string) => void {
  let n = 0;
  const started = Date.now();
  return (label: string) => {
    n++;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`[${n}/${total}] ${label} (${secs}s)\n`);
  };
}
