// What every reader must do with any input, checked on one mutated file: end with records or a
// plain BotcensusError (never another exception); account for every line (records' lines +
// framing + rejected = lines read); quote input only in printable form. And, through the store:
// a refused file changes nothing, an imported one imports once.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { BotcensusError } from '../../src/core/errors.js';
import { loadKev } from '../../src/identify/kev.js';
import { readScanFile } from '../../src/identify/scan-reader.js';
import { parseIntelFile, type IntelFormat } from '../../src/intel/parse.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { ingestFormatByName } from '../../src/telemetry/formats.js';
import { readTelemetry, type ReadSummary } from '../../src/core/reader.js';
import { importSeedFile, storeSnapshot } from './import-seed.js';
import type { Seed } from './seeds.js';

/** Raw control, bidi and invisible characters: never in anything quoted from input. */
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/;

export function assertPrintable(text: string | undefined, what: string): void {
  if (text === undefined) return;
  assert.doesNotMatch(text, UNPRINTABLE, `${what} quotes input unescaped: ${JSON.stringify(text.slice(0, 300))}`);
}

function assertPlainError(err: unknown, what: string): asserts err is BotcensusError {
  assert.ok(err instanceof BotcensusError, `${what}: not a plain error: ${(err as Error)?.stack ?? String(err)}`);
  assertPrintable(err.message, `${what}: message`);
  assertPrintable(err.where.field, `${what}: field`);
}

/** Lines as readline counts them (\n, \r\n, a lone \r), counted here independently of the reader. */
export function countLines(bytes: Buffer): number {
  let text = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) text = gunzipSync(bytes);
  const s = text.toString('latin1');
  if (s === '') return 0;
  const parts = s.split(/\r\n|\r|\n/);
  return parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
}

function checkSummary(s: ReadSummary, recordLines: Set<number>, bytes: Buffer, what: string): void {
  assert.equal(s.framing + s.rejected + recordLines.size, s.lines, `${what}: records' lines ${recordLines.size} + framing ${s.framing} + rejected ${s.rejected} != lines read ${s.lines}`);
  assert.equal(s.lines, countLines(bytes), `${what}: lines read`);
  assert.equal(s.examples.length, Math.min(s.rejected, 10), `${what}: examples kept`);
  for (const e of s.examples) {
    assert.ok(e.line >= 1 && e.line <= s.lines, `${what}: example line ${e.line}`);
    assertPrintable(e.raw, `${what}: line ${e.line} raw`);
    assertPrintable(e.reason, `${what}: line ${e.line} reason`);
    assertPrintable(e.field, `${what}: line ${e.line} field`);
  }
}

/** Reads `bytes` as `seed` says, with the reader alone (no store), and checks what came out. */
export async function checkReader(seed: Seed, file: string, bytes: Buffer): Promise<void> {
  writeFileSync(file, bytes);
  const what = `${seed.reader} (${bytes.length} bytes)`;
  try {
    if (seed.kind === 'kev') {
      const c = loadKev(file);
      for (const r of c.rejected) assertPrintable(r.reason, `${what}: entry ${r.at}`);
      return;
    }
    if (seed.kind === 'intel') {
      const r = await parseIntelFile(file, seed.format as IntelFormat);
      // JSON documents number their entries, not lines; a line-based list names lines of the file.
      if (['text', 'csv', 'zeek-intel'].includes(seed.reader)) {
        const n = countLines(bytes);
        assert.equal(r.counts.lines, n, `${what}: lines read`);
        for (const x of [...r.counts.examples, ...r.indicators]) assert.ok(x.line >= 1 && x.line <= n, `${what}: line ${x.line} of ${n}`);
        for (const k of r.counts.skipped!) assert.ok(k.fromLine >= 1 && k.fromLine <= k.toLine && k.toLine <= n, `${what}: skipped ${k.fromLine}-${k.toLine} of ${n}`);
      }
      assert.equal(r.counts.examples.length, Math.min(r.counts.rejected, 10), `${what}: examples kept`);
      for (const x of r.counts.skipped!) assertPrintable(x.sample, `${what}: skipped sample`);
      for (const x of r.counts.examples) {
        assertPrintable(x.raw, `${what}: line ${x.line} raw`);
        assertPrintable(x.reason, `${what}: line ${x.line} reason`);
      }
      return;
    }
    const lines = new Set<number>();
    const onBatch = (b: { line?: number }[]) => void b.forEach((r) => lines.add(r.line!));
    const f = ingestFormatByName(seed.format!);
    const s = f.kind === 'scan' ? await readScanFile(file, f.format, onBatch, { tz: undefined }) : await readTelemetry(file, f.format, onBatch);
    checkSummary(s, lines, bytes, what);
  } catch (err) {
    assertPlainError(err, what);
  }
}

/**
 * Imports `bytes` into the store as the CLI would: refused, the store is exactly as before;
 * imported, importing the same bytes again changes nothing.
 */
export async function checkImport(store: DuckDbStore, seed: Seed, file: string, bytes: Buffer): Promise<void> {
  writeFileSync(file, bytes);
  const what = `${seed.reader} import (${bytes.length} bytes)`;
  const before = await storeSnapshot(store);
  let first;
  try {
    first = await importSeedFile(store, seed, file);
  } catch (err) {
    assertPlainError(err, what);
    assert.deepEqual(await storeSnapshot(store), before, `${what}: a refused file changed the store`);
    return;
  }
  for (const e of first.counts?.examples ?? []) assertPrintable(e.raw, `${what}: line ${e.line} raw`);
  const after = await storeSnapshot(store);
  const again = await importSeedFile(store, seed, file);
  assert.equal(again.status, 'duplicate', `${what}: the same bytes imported twice`);
  assert.deepEqual(await storeSnapshot(store), after, `${what}: re-importing changed the store`);
}
