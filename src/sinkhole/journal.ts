// The journal writer. Check-ins appended during one turn of the event loop are written together
// at its end (one write), and fsynced together (in the thread pool) at most every `fsyncIntervalMs` (group commit).
// With `ack: 'write'` a check-in's callback runs once its line is written to the file: it then
// survives a crash of the process (kill -9), and a power cut loses at most the last interval.
// With `ack: 'fsync'` the callback waits for the fsync: nothing answered is lost even to a power
// cut, at the price of answering no sooner than the disk syncs. The queue is bounded: past
// `maxPending` an append is refused and the caller sheds the request.
import { close, closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckIn } from './checkin.js';
import type { Component, Health, MetricSample } from './component.js';
import { journalId, lastSequence, segmentName } from './journal-files.js';
import { lockJournal } from './journal-lock.js';

export interface JournalConfig {
  dir: string;
  /** Longest time between a write and its fsync, in ms. */
  fsyncIntervalMs: number;
  /** When a check-in counts as accepted: written to the file, or fsynced too. */
  ack: 'write' | 'fsync';
  /** Check-ins waiting (to be written, or fsynced under ack 'fsync') before appends are refused. */
  maxPending: number;
  /** A segment is closed and a new one started past this size. */
  segmentBytes: number;
}

export const JOURNAL_DEFAULTS: Omit<JournalConfig, 'dir'> = { fsyncIntervalMs: 50, ack: 'write', maxPending: 50_000, segmentBytes: 64 << 20 };

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
  /** Written, waiting for the fsync (ack 'fsync'). */
  private unsynced: Durable[] = [];
  private dirty = false;
  private writeScheduled = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private lastSyncAt = 0;
  private stopping = false;
  private lastError: string | undefined;
  private counts = { appended: 0, written: 0, fsyncs: 0, errors: 0, refused: 0 };
  private lastFsyncMs = 0;
  private unlock: (() => Promise<void>) | undefined;

  /** `minSeq`: sequence numbers start past it (the store's high-water mark, in case the journal lost its tail). */
  constructor(
    readonly config: JournalConfig,
    private readonly minSeq = 0,
  ) {}

  async start(): Promise<void> {
    this.id = await journalId(this.config.dir);
    this.unlock = await lockJournal(this.config.dir);
    this.lastSeq = Math.max(await lastSequence(this.config.dir), this.minSeq);
    this.openSegment();
  }

  /** A new segment for the next sequence number; one of that name can only hold a torn line, so it is emptied. */
  private openSegment(): void {
    if (this.fd >= 0) {
      // What the old segment holds is synced before it is left.
      if (this.dirty) this.syncNow();
      const old = this.fd;
      // An fsync of the old segment may still be under way in the thread pool.
      if (this.syncing) void this.syncing.then(() => closeSync(old));
      else closeSync(old);
    }
    this.fd = openSync(join(this.config.dir, segmentName(this.lastSeq + 1)), 'w');
    this.segBytes = 0;
    syncDir(this.config.dir);
  }

  get pending(): number {
    return this.lines.length + this.unsynced.length;
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
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.writeNow());
    }
    return true;
  }

  /**
   * Writes every line appended so far in one write, at the end of the event loop's turn, and
   * acknowledges them (ack 'write') or queues them for the fsync. The write is synchronous: a
   * hand-off to the thread pool costs each answer a thread wake-up, more than the write itself.
   */
  private writeNow(): void {
    this.writeScheduled = false;
    if (!this.lines.length) return;
    const buf = Buffer.from(this.lines.join('\n') + '\n');
    const waiting = this.waiting;
    this.lines = [];
    this.waiting = [];
    try {
      for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      this.fail(err as Error, waiting);
      return;
    }
    this.counts.written += waiting.length;
    this.segBytes += buf.length;
    this.dirty = true;
    if (this.config.ack === 'write') for (const w of waiting) w(true);
    else this.unsynced.push(...waiting);
    if (this.segBytes >= this.config.segmentBytes) this.rotate();
    this.scheduleSync();
  }

  private fail(err: Error, waiting: Durable[]): void {
    this.counts.errors++;
    this.lastError = err.message;
    for (const w of waiting) w(false);
    // The segment may end in a torn line now: later lines go to a new one.
    this.rotate();
  }

  private rotate(): void {
    try {
      this.openSegment();
    } catch (e) {
      this.lastError = (e as Error).message;
    }
  }

  private scheduleSync(): void {
    // Once stopping, stop() makes the last fsync itself, before it closes the file.
    if (this.stopping || this.syncTimer || this.syncing || !this.dirty) return;
    const wait = Math.max(0, this.lastSyncAt + this.config.fsyncIntervalMs - Date.now());
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.syncing = this.sync().finally(() => {
        this.syncing = undefined;
        this.scheduleSync();
      });
    }, wait);
  }

  /** One fdatasync in the thread pool: what was written before it is durable after it. */
  private sync(): Promise<void> {
    const done = this.unsynced;
    this.unsynced = [];
    this.dirty = false;
    this.lastSyncAt = Date.now();
    const t0 = performance.now();
    return new Promise((resolve) => {
      fdatasync(this.fd, (err) => {
        this.lastFsyncMs = performance.now() - t0;
        this.counts.fsyncs++;
        if (err) {
          this.counts.errors++;
          this.lastError = err.message;
          this.dirty = true;
        } else this.lastError = undefined;
        for (const w of done) w(!err);
        resolve();
      });
    });
  }

  /** A synchronous fsync, when a segment is left. */
  private syncNow(): void {
    const done = this.unsynced;
    this.unsynced = [];
    let ok = true;
    try {
      fdatasyncSync(this.fd);
      this.counts.fsyncs++;
      this.dirty = false;
    } catch (err) {
      ok = false;
      this.lastError = (err as Error).message;
    }
    for (const w of done) w(ok);
  }

  /** Refuses new check-ins, writes and fsyncs the queued ones, closes the segment. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.writeNow();
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.syncing;
    if (this.fd >= 0 && (this.dirty || this.unsynced.length)) await this.sync();
    if (this.fd >= 0) await new Promise<void>((r) => close(this.fd, () => r()));
    this.fd = -1;
    await this.unlock?.();
    this.unlock = undefined;
  }

  health(): Health {
    return this.lastError ? { ok: false, detail: `journal write failed: ${this.lastError}` } : { ok: true };
  }

  metrics(): MetricSample[] {
    const c = this.counts;
    return [
      { name: 'queued', help: 'check-ins waiting to be written (or fsynced, under ack fsync)', type: 'gauge', labels: {}, value: this.pending },
      { name: 'journal_appended_total', help: 'check-ins appended to the journal', type: 'counter', labels: {}, value: c.appended },
      { name: 'journal_written_total', help: 'check-ins written to the journal file', type: 'counter', labels: {}, value: c.written },
      { name: 'journal_refused_total', help: 'appends refused: queue full or stopping', type: 'counter', labels: {}, value: c.refused },
      { name: 'journal_fsyncs_total', help: 'group fsyncs', type: 'counter', labels: {}, value: c.fsyncs },
      { name: 'journal_errors_total', help: 'failed writes or fsyncs', type: 'counter', labels: {}, value: c.errors },
      { name: 'journal_last_fsync_seconds', help: 'duration of the last fsync', type: 'gauge', labels: {}, value: this.lastFsyncMs / 1000 },
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
