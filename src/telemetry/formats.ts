// The telemetry formats in detection order: the most specific signatures first.
import { basename } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import { SCAN_FORMATS } from '../identify/scan-formats.js';
import type { ScanFormat } from '../identify/scan-reader.js';
import { argusFormat } from './argus.js';
import { goflow2Format } from './goflow2.js';
import { nfdumpFormat } from './nfdump.js';
import { headLines, type TelemetryFormat } from '../core/reader.js';
import { shadowserverFormat } from './shadowserver/index.js';
import { suricataFormat } from './suricata.js';
import { zeekFormat } from './zeek/index.js';

export const TELEMETRY_FORMATS: TelemetryFormat[] = [zeekFormat, suricataFormat, goflow2Format, argusFormat, shadowserverFormat, nfdumpFormat];

/** What `ingest` reads: a telemetry format (records into the telemetry tables) or a scan format (services). */
export type IngestFormat = { kind: 'telemetry'; format: TelemetryFormat } | { kind: 'scan'; format: ScanFormat };

/** Every name `ingest --format` takes. */
/** Line-based telemetry, scan files, and Parquet flows (read by DuckDB, see ingest.ts). */
export const INGEST_FORMAT_NAMES: string[] = [...TELEMETRY_FORMATS.map((f) => f.name), ...SCAN_FORMATS.map((f) => f.name), 'parquet'];

export function formatByName(name: string): TelemetryFormat {
  const f = TELEMETRY_FORMATS.find((x) => x.name === name);
  if (!f) throw new BotcensusError('USAGE', `unknown telemetry format '${name}' (known: ${INGEST_FORMAT_NAMES.join(', ')})`);
  return f;
}

export function ingestFormatByName(name: string): IngestFormat {
  const scan = SCAN_FORMATS.find((x) => x.name === name);
  return scan ? { kind: 'scan', format: scan } : { kind: 'telemetry', format: formatByName(name) };
}

/** Scan formats first (their JSON shapes are specific), then the telemetry formats. */
export async function detectIngestFormat(path: string): Promise<IngestFormat> {
  const head = await headLines(path, 5);
  const name = basename(path).replace(/\.gz$/, '');
  const scan = head.length ? SCAN_FORMATS.find((x) => x.detect(name, head)) : undefined;
  return scan ? { kind: 'scan', format: scan } : { kind: 'telemetry', format: await detectTelemetryFormat(path) };
}

/** Picks the format whose detector recognises the file's name and first lines. */
export async function detectTelemetryFormat(path: string): Promise<TelemetryFormat> {
  const head = await headLines(path, 5);
  if (head.length === 0) throw new BotcensusError('BAD_INPUT', 'the file is empty', { file: path });
  const name = basename(path).replace(/\.gz$/, '');
  const f = TELEMETRY_FORMATS.find((x) => x.detect(name, head));
  if (!f)
    throw new BotcensusError(
      'UNKNOWN_FORMAT',
      `no telemetry reader recognises this file, nor any scan reader (first line: ${JSON.stringify(head[0]!.slice(0, 80))}); name one with --format ${INGEST_FORMAT_NAMES.join('|')}`,
      { file: path, line: 1 },
    );
  return f;
}
