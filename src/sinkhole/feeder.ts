// The feeder moves the journal into the store in batches. Each batch is one telemetry import of the
// check-ins with sequence numbers first..last, named "sinkhole <journal> <first>-<last>" with a
// content identity derived from exactly that (so the same batch is never imported twice). The
// import row is written in the same transaction as the check-ins' report rows and sightings: the
// highest `last` among a journal's imports is its high-water mark, and a restart skips every
// check-in at or below it. Fully fed segments are deleted.
import { createHash } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { RejectedLine } from '../core/reader.js';
import type { ReportRecord } from '../core/model/telemetry.js';
import { importOnce } from '../store/imports.js';
import type { ImportMeta, Store } from '../store/store.js';
import { toReportRecord, type CheckIn } from './checkin.js';
import type { Component, Health, MetricSample } from './component.js';
import { listSegments, type Segment } from './journal-files.js';
import { enrichVictims } from '../enrich/enrich.js';
import { importTelemetry } from '../match/import.js';

export interface FeederConfig {
  /**
   * Pause after the journal was fed to its end, in ms: each batch is an import (a row in
   * `botcensus imports`), so a trickle of check-ins makes one import per interval at most.
   */
  intervalMs: number;
  /** Check-ins per import at most. */
  maxBatch: number;
  /**
   * Share of the time the feeder may spend importing while a backlog waits (0-1]: after an import
   * that took T, it pauses T × (1 − share) / share before the next one, leaving the CPU to the
   * listeners; the journal holds what waits.
   */
  share: number;
  /** Sensor name the imports are recorded under. */
  sensor: string;
  /** Grace of indicator windows for matching (ms). */
  graceMs: number;
}

export const FEEDER_DEFAULTS: FeederConfig = { intervalMs: 10_000, maxBatch: 100_000, share: 0.5, sensor: 'sinkhole', graceMs: 86_400_000 };

export const SINKHOLE_FORMAT = 'sinkhole';

export interface FeederStats {
  written: number;
  batches: number;
  rejected: number;
  torn: number;
  highWater: number;
  lastError?: string;
  /** Since when imports have been failing (epoch ms), when they are. */
  failingSince?: number;
}

const CHUNK = 4 << 20;

/** The import's name for a batch: what the high-water mark is read back from. */
export function batchName(journal: string, first: number, last: number): string {
  return `${SINKHOLE_FORMAT} ${journal} ${first}-${last}`;
}

export function batchIdentity(journal: string, first: number, last: number): string {
  return createHash('sha256').update(`botcensus sinkhole batch\n${journal}\n${first}\n${last}`).digest('hex');
}

/** The last sequence number of the journal's check-ins already in the store (0 when none). */
export async function highWater(store: Store, journal: string): Promise<number> {
  const prefix = `${SINKHOLE_FORMAT} ${journal} `;
  let hw = 0;
  for (const imp of await store.listImports()) {
    if (imp.format !== SINKHOLE_FORMAT || !imp.file.startsWith(prefix)) continue;
    const last = Number(imp.file.slice(prefix.length).split('-')[1]);
    if (last > hw) hw = last;
  }
  return hw;
}

interface Cursor {
  /** First sequence number of the segment being read. */
  segment: number;
  offset: number;
}

interface Batch {
  records: ReportRecord[];
  first: number;
  last: number;
  rejected: RejectedLine[];
  next: Cursor;
  /** Segments read to their end, deleted once the batch is stored. */
  done: Segment[];
  lines: number;
}

export class Feeder implements Component {
  readonly name = 'feeder';
  readonly stats: FeederStats = { written: 0, batches: 0, rejected: 0, torn: 0, highWater: 0 };
  private cursor: Cursor = { segment: 0, offset: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    readonly config: FeederConfig,
    private readonly deps: {
      store: Store;
      dir: string;
      journal: string;
      onBatch?: (s: FeederStats) => void;
      /** Inside a server: imports take their turn with the server's writes, which then learns the store changed. */
      turns?: { exclusive<T>(fn: () => Promise<T>): Promise<T>; changed(): void };
    },
  ) {}

  /** The id of the journal this feeder reads. */
  get journal(): string {
    return this.deps.journal;
  }

  async start(): Promise<void> {
    await this.prepare();
    this.loop();
  }

  /** Reads the high-water mark back from the store; `start` without the timer, for a FeederGroup that paces several. */
  async prepare(): Promise<void> {
    this.stats.highWater = await highWater(this.deps.store, this.deps.journal);
  }

  private loop(): void {
    if (this.stopped) return;
    this.running = this.feedAll()
      .catch(() => undefined)
      .then(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.config.intervalMs);
      });
  }

  /** Feeds batches until the journal has nothing complete left; returns the check-ins stored. */
  async feedAll(): Promise<number> {
    let n = 0;
    for (;;) {
      const k = await this.feedPaced();
      if (k < 0) return n;
      n += k;
    }
  }

  /** One batch (as feedOnce), then the pause that keeps the feeder to its share of the time. */
  async feedPaced(): Promise<number> {
    const t0 = performance.now();
    const k = await this.feedOnce();
    const share = this.config.share;
    if (share < 1 && k > 0 && !this.stopped) await new Promise((r) => setTimeout(r, ((performance.now() - t0) * (1 - share)) / share));
    return k;
  }

  /** One batch: the check-ins stored (0 when all were in the store already), or -1 when there was nothing to read. */
  async feedOnce(): Promise<number> {
    const b = await this.readBatch();
    if (!b) return -1;
    const { store, journal } = this.deps;
    if (b.records.length || b.rejected.length) {
      const sha256 = batchIdentity(journal, b.first, b.last);
      const meta: ImportMeta = { kind: 'telemetry', format: SINKHOLE_FORMAT, file: batchName(journal, b.first, b.last), sha256, sensor: this.config.sensor };
      const counts = { lines: b.lines, records: b.records.length, framing: 0, rejected: b.rejected.length, examples: b.rejected.slice(0, 10) };
      const importBatch = async () => {
        if (await store.findImport(sha256, 'telemetry')) return;
        // Another feeder of the same journal storing this batch meanwhile: stored once, by it.
        const out = await importOnce(store.driver, sha256, 'telemetry', () => importTelemetry(store, meta, async (write) => (await write(b.records), counts), () => undefined, { graceMs: this.config.graceMs }), () => undefined);
        if (out?.sightings) await enrichVictims(store, { importId: out.importId });
      };
      const turns = this.deps.turns;
      try {
        if (turns) await turns.exclusive(importBatch).finally(() => turns.changed());
        else await importBatch();
      } catch (err) {
        this.stats.lastError = (err as Error).message;
        this.stats.failingSince ??= Date.now();
        throw err;
      }
      this.stats.written += b.records.length;
      this.stats.rejected += b.rejected.length;
      this.stats.batches++;
      if (b.last > this.stats.highWater) this.stats.highWater = b.last;
    }
    this.stats.lastError = undefined;
    this.stats.failingSince = undefined;
    this.cursor = b.next;
    for (const s of b.done) await unlink(s.file).catch(() => undefined);
    this.deps.onBatch?.(this.stats);
    return b.records.length;
  }

  /** The next batch from the cursor, or undefined when no complete line lies past it. */
  private async readBatch(): Promise<Batch | undefined> {
    const segs = await listSegments(this.deps.dir);
    let i = segs.findIndex((s) => s.first >= this.cursor.segment);
    if (i < 0) return undefined;
    let pos: Cursor = segs[i]!.first === this.cursor.segment ? { ...this.cursor } : { segment: segs[i]!.first, offset: 0 };
    const b: Batch = { records: [], first: 0, last: 0, rejected: [], next: pos, done: [], lines: 0 };
    const hw = this.stats.highWater;
    let moved = false;
    while (b.records.length < this.config.maxBatch && i < segs.length) {
      const seg = segs[i]!;
      const buf = await readAt(seg.file, pos.offset, CHUNK);
      let start = 0;
      while (b.records.length < this.config.maxBatch) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        this.take(buf.toString('utf8', start, nl), hw, b);
        start = nl + 1;
      }
      if (start > 0) {
        pos = { segment: seg.first, offset: pos.offset + start };
        moved = true;
      }
      if (b.records.length >= this.config.maxBatch) break;
      if (buf.length === CHUNK && start > 0) continue;
      // The end of the segment. With a later segment there the writer has left it: a partial line
      // at its end was torn by a crash (never acknowledged). Without, the writer may still be on it.
      if (i + 1 >= segs.length) break;
      if (start < buf.length) this.stats.torn++;
      b.done.push(seg);
      i++;
      pos = { segment: segs[i]!.first, offset: 0 };
      moved = true;
    }
    b.next = pos;
    return moved ? b : undefined;
  }

  private take(line: string, hw: number, b: Batch): void {
    b.lines++;
    let c: CheckIn;
    try {
      c = JSON.parse(line) as CheckIn;
    } catch {
      b.rejected.push({ line: b.lines, reason: 'not a JSON check-in', raw: line.slice(0, 200) });
      return;
    }
    if (typeof c.s !== 'number') {
      b.rejected.push({ line: b.lines, field: 's', reason: 'no sequence number', raw: line.slice(0, 200) });
      return;
    }
    if (c.s <= hw) return;
    if (!b.first) b.first = c.s;
    b.last = c.s;
    const r = toReportRecord(c, this.deps.journal);
    if (r) b.records.push(r);
    else b.rejected.push({ line: b.lines, reason: 'check-in without address, time or name', raw: line.slice(0, 200) });
  }

  /** Stops the timer, finishes the batch under way, then feeds everything the journal holds. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.feedAll();
  }

  health(): Health {
    const since = this.stats.failingSince;
    if (since !== undefined && Date.now() - since > 30_000) return { ok: false, detail: `store import failing: ${this.stats.lastError}` };
    return { ok: true };
  }

  metrics(): MetricSample[] {
    return feederSamples(this.stats);
  }
}

export function feederSamples(s: FeederStats): MetricSample[] {
  return [
    { name: 'written_total', help: 'check-ins stored (report rows, confirmed sightings)', type: 'counter', labels: {}, value: s.written },
    { name: 'feeder_batches_total', help: 'journal batches imported', type: 'counter', labels: {}, value: s.batches },
    { name: 'feeder_rejected_total', help: 'journal lines that could not be read', type: 'counter', labels: {}, value: s.rejected },
    { name: 'feeder_torn_total', help: 'torn journal tails skipped (crash while writing an unacknowledged line)', type: 'counter', labels: {}, value: s.torn },
    { name: 'feeder_high_water', help: 'last journal sequence number in the store', type: 'gauge', labels: {}, value: s.highWater },
  ];
}

async function readAt(file: string, offset: number, max: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(max);
    const { bytesRead } = await fh.read(buf, 0, max, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
