// The journal writer: check-ins are appended in memory and written and fsynced together (group
// commit) at most every `fsyncIntervalMs`; each check-in's callback runs once its line is durable,
// and only then is the client answered. The queue is bounded: past `maxPending` an append is
// refused and the caller sheds the request.
import { close, closeSync, fdatasync, fsyncSync, openSync, write } from 'node:fs';
import { join } from 'node:path';
import type { CheckIn } from './checkin.js';
import type { Component, Health, MetricSample } from './component.js';
import { journalId, lastSequence, segmentName } from './journal-files.js';

export interface JournalConfig {
  dir: string;
  /** Longest wait between an append and its fsync, in ms. */
  fsyncIntervalMs: number;
  /** Check-ins waiting to be durable before appends are refused. */
  maxPending: number;
  /** A segment is closed and a new one started past this size. */
  segmentBytes: number;
}

export const JOURNAL_DEFAULTS: Omit<JournalConfig, 'dir'> = { fsyncIntervalMs: 5, maxPending: 50_000, segmentBytes: 64 << 20 };

export type Durable = (ok: boolean) => void;

export class Journal implements Component {
  readonly name = 'journal';
  id = '';
  /** The last sequence number handed out. */
  lastSeq = 0;
  private fd = -1;
  private segBytes = 0;
  private lines: string[] = [];
  private waiting: Durable[] = [];
  private inFlight = 0;
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private stopping = false;
  private drained: (() => void) | undefined;
  private lastError: string | undefined;
  private counts = { appended: 0, durable: 0, fsyncs: 0, errors: 0, refused: 0 };
  private lastFsyncMs = 0;

  /** `minSeq`: sequence numbers start past it (the store's high-water mark, in case the journal lost its tail). */
  constructor(
    readonly config: JournalConfig,
    private readonly minSeq = 0,
  ) {}

  async start(): Promise<void> {
    this.id = await journalId(this.config.dir);
    this.lastSeq = Math.max(await lastSequence(this.config.dir), this.minSeq);
    this.openSegment();
  }

  /** A new segment for the next sequence number; one of that name can only hold a torn line, so it is emptied. */
  private openSegment(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(join(this.config.dir, segmentName(this.lastSeq + 1)), 'w');
    this.segBytes = 0;
    // The new file's name must survive a power cut too.
    syncDir(this.config.dir);
  }

  get pending(): number {
    return this.lines.length + this.inFlight;
  }

  /** Appends a check-in (its sequence number is set); false when the queue is full or the journal stopped. */
  append(c: CheckIn, done: Durable): boolean {
    if (this.stopping || this.pending >= this.config.maxPending) {
      this.counts.refused++;
      return false;
    }
    c.s = ++this.lastSeq;
    this.lines.push(JSON.stringify(c));
    this.waiting.push(done);
    this.counts.appended++;
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.writing || this.timer) return;
    const wait = Math.max(0, this.lastFlushAt + this.config.fsyncIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (!this.lines.length) {
      this.drained?.();
      return;
    }
    this.writing = true;
    this.lastFlushAt = Date.now();
    const buf = Buffer.from(this.lines.join('\n') + '\n');
    const waiting = this.waiting;
    this.inFlight = waiting.length;
    this.lines = [];
    this.waiting = [];
    const t0 = performance.now();
    const fd = this.fd;
    writeAll(fd, buf, (err) => {
      if (err) return this.finish(waiting, err);
      fdatasync(fd, (err2) => {
        this.lastFsyncMs = performance.now() - t0;
        this.counts.fsyncs++;
        this.segBytes += buf.length;
        this.finish(waiting, err2 ?? null);
      });
    });
  }

  private finish(waiting: Durable[], err: Error | null): void {
    this.writing = false;
    this.inFlight = 0;
    if (err) {
      this.counts.errors++;
      this.lastError = err.message;
    } else {
      this.lastError = undefined;
      this.counts.durable += waiting.length;
    }
    for (const w of waiting) w(!err);
    // After a failed write the segment may end in a torn line: later lines go to a new one.
    if (err || this.segBytes >= this.config.segmentBytes) {
      try {
        this.openSegment();
      } catch (e) {
        this.lastError = (e as Error).message;
      }
    }
    if (this.lines.length) this.schedule();
    else this.drained?.();
  }

  /** Refuses new check-ins, makes the queued ones durable, closes the segment. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.writing || this.lines.length) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        if (!this.writing) {
          clearTimeout(this.timer);
          this.timer = undefined;
          this.flush();
        }
      });
    }
    clearTimeout(this.timer);
    if (this.fd >= 0) await new Promise<void>((r) => close(this.fd, () => r()));
    this.fd = -1;
  }

  health(): Health {
    return this.lastError ? { ok: false, detail: `journal write failed: ${this.lastError}` } : { ok: true };
  }

  metrics(): MetricSample[] {
    const c = this.counts;
    return [
      { name: 'queued', help: 'check-ins waiting for the journal fsync', type: 'gauge', labels: {}, value: this.pending },
      { name: 'journal_appended_total', help: 'check-ins appended to the journal', type: 'counter', labels: {}, value: c.appended },
      { name: 'journal_durable_total', help: 'check-ins fsynced to the journal', type: 'counter', labels: {}, value: c.durable },
      { name: 'journal_refused_total', help: 'appends refused: queue full or stopping', type: 'counter', labels: {}, value: c.refused },
      { name: 'journal_fsyncs_total', help: 'group commits', type: 'counter', labels: {}, value: c.fsyncs },
      { name: 'journal_errors_total', help: 'failed writes or fsyncs', type: 'counter', labels: {}, value: c.errors },
      { name: 'journal_last_fsync_seconds', help: 'duration of the last write and fsync', type: 'gauge', labels: {}, value: this.lastFsyncMs / 1000 },
      { name: 'journal_last_sequence', help: 'last sequence number handed out', type: 'gauge', labels: {}, value: this.lastSeq },
    ];
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Directories cannot be fsynced on every platform; a refusal there is no error of the journal.
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, buf: Buffer, cb: (err: Error | null) => void, off = 0): void {
  write(fd, buf, off, buf.length - off, null, (err, n) => {
    if (err) return cb(err);
    if (off + n < buf.length) return writeAll(fd, buf, cb, off + n);
    cb(null);
  });
}
