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

/** "1.2 GB", "340 MB", "12 kB". */
function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${(bytes / 1e3).toFixed(0)} kB`;
}

/** "2 min 5 s", "40 s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/**
 * Progress over many files on stderr when it is a terminal: files done of all, bytes, rate, and the
 * time left at that rate ("ingest 12/42 files, 1.2 GB of 3.4 GB, 45 MB/s, about 50 s left: f.csv").
 */
export function batchProgress(label: string, files: string[]): { file(index: number): Progress } {
  const tty = process.stderr.isTTY === true;
  const sizes = files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  const started = Date.now();
  let before = 0;
  let last = 0;
  return {
    file(index: number): Progress {
      before = sizes.slice(0, index).reduce((a, b) => a + b, 0);
      const draw = (inFile: number, force = false) => {
        if (!tty) return;
        const now = Date.now();
        if (!force && now - last < 200) return;
        last = now;
        const done = before + Math.min(inFile, sizes[index] ?? 0);
        const rate = done / Math.max(1, now - started); // bytes per ms
        const left = rate > 0 && done > 0 ? `, about ${duration((total - done) / rate)} left` : '';
        process.stderr.write(`\r\x1b[K${label} ${index + 1}/${files.length} files, ${size(done)} of ${size(total)}, ${size(rate * 1000)}/s${left}: ${files[index]}`);
      };
      draw(0, true);
      return {
        update: (b: number) => draw(b),
        done(summary?: string) {
          if (tty) process.stderr.write('\r\x1b[K');
          if (summary) process.stderr.write(summary + '\n');
        },
      };
    },
  };
}

/**
 * For work with no count to show (a query): after 2 s on a terminal, a line on stderr says what is
 * being done and for how long, until the work ends.
 */
export async function working<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (process.stderr.isTTY !== true) return fn();
  const started = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    const secs = Math.round((Date.now() - started) / 1000);
    if (secs < 2) return;
    shown = true;
    process.stderr.write(`\r\x1b[K${label} (${secs} s)`);
  }, 500);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    if (shown) process.stderr.write('\r\x1b[K');
  }
}
