// The lines the prefilter's scan kept of a plain nfdump CSV, read as flows by the nfdump line
// parser: how a store whose engine does not read files itself (ClickHouse) takes them, so that
// `ingest --prefilter` parses the one line in a hundred near an indicator instead of every line.
// Each kept line is its index in its chunk, its two addresses as numbers (or empty), then the line
// as the file has it (flow-prefilter-scan.ts); the numbers are DuckDB's shortcut, unused here.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import type { LineCounts } from '../../core/model/line-counts.js';
import type { FlowRecord } from '../../core/model/telemetry.js';
import { headLines, type LineParser } from '../../core/reader.js';
import type { FlowCandidateFiles } from '../../store/store.js';
import { nfdumpFormat } from '../nfdump.js';

/** Flows handed on at once. */
const BATCH = 50_000;

/** Each kept line's number in the file and its text. */
async function* keptLines(kept: FlowCandidateFiles): AsyncGenerator<[number, string]> {
  for (const chunk of kept.chunks) {
    const lines = createInterface({ input: createReadStream(chunk.file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const a = line.indexOf(',');
      const b = line.indexOf(',', a + 1);
      const c = line.indexOf(',', b + 1);
      yield [chunk.firstLine + Number(line.slice(0, a)), line.slice(c + 1)];
    }
  }
}

/** The nfdump parser of `file`, past its header line. */
async function parserOf(file: string, tz?: string): Promise<LineParser> {
  const parser = nfdumpFormat.create({ file, fileName: basename(file), tz });
  const [header] = await headLines(file, 1);
  parser.parse(header ?? '', 1);
  return parser;
}

/**
 * A kept line that is not a well-formed flow: the caller reads the whole file line by line
 * instead (the store took nothing of this read: it runs in one import), which names that line.
 */
export class KeptLineRefused extends Error {
  constructor(readonly file: string, readonly line: number) {
    super(`line ${line} of ${file}, kept by the prefilter, is not a well-formed flow`);
  }
}

/** The flow of one kept line, or undefined when the line is anything else (the line reader then explains it). */
function flowOf(parser: LineParser, text: string, line: number): FlowRecord | undefined {
  try {
    const r = parser.parse(text, line);
    if (!r || Array.isArray(r) || r.kind !== 'flow') return undefined;
    r.line = line;
    return r;
  } catch {
    return undefined;
  }
}

/**
 * Reads the kept lines' flows into `onBatch`, in the order of the file; returns the file's counts
 * as a read of the whole file gives them, the lines the scan dropped counted as prefiltered.
 * Throws KeptLineRefused at a kept line that is not a well-formed flow.
 */
export async function readKeptFlows(
  file: string,
  kept: FlowCandidateFiles,
  opts: { tz?: string },
  onBatch: (records: FlowRecord[]) => Promise<void>,
): Promise<LineCounts> {
  const parser = await parserOf(file, opts.tz);
  let batch: FlowRecord[] = [];
  for await (const [line, text] of keptLines(kept)) {
    const flow = flowOf(parser, text, line);
    if (!flow) throw new KeptLineRefused(file, line);
    batch.push(flow);
    if (batch.length >= BATCH) {
      await onBatch(batch);
      batch = [];
    }
  }
  if (batch.length) await onBatch(batch);
  const records = kept.lines - kept.blank;
  return { lines: kept.lines + 1, records, framing: kept.blank + 1, rejected: 0, examples: [], prefiltered: records - kept.kept };
}
