// The telemetry formats in detection order: the most specific signatures first.
import { basename } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import { argusFormat } from './argus.js';
import { goflow2Format } from './goflow2.js';
import { nfdumpFormat } from './nfdump.js';
import { headLines, type TelemetryFormat } from './reader.js';
import { shadowserverFormat } from './shadowserver/index.js';
import { suricataFormat } from './suricata.js';
import { zeekFormat } from './zeek/index.js';

export const TELEMETRY_FORMATS: TelemetryFormat[] = [zeekFormat, suricataFormat, goflow2Format, argusFormat, shadowserverFormat, nfdumpFormat];

export function formatByName(name: string): TelemetryFormat {
  const f = TELEMETRY_FORMATS.find((x) => x.name === name);
  if (!f) throw new BotcensusError('USAGE', `unknown telemetry format '${name}' (known: ${TELEMETRY_FORMATS.map((x) => x.name).join(', ')})`);
  return f;
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
      `no telemetry reader recognises this file (first line: ${JSON.stringify(head[0]!.slice(0, 80))}); name one with --format ${TELEMETRY_FORMATS.map((x) => x.name).join('|')}`,
      { file: path, line: 1 },
    );
  return f;
}
