// The Zeek telemetry format: conn, dns, ssl and http logs, as TSV (with headers) or JSON lines.
import type { TelemetryFormat } from '../../core/reader.js';
import { looksLikeZeekJson } from './json.js';
import { createZeekParser } from './line-parser.js';

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Zeek TSV starts with "#separator" (some captures indent it); Zeek JSON lines have `_path`, or
 * `ts` with a connection id. Every Zeek log is claimed, so a notice.log reads as "0 records"
 * rather than an unknown format.
 */
export function detectZeek(fileName: string, head: string[]): boolean {
  const first = head.find((l) => l.trim() !== '')?.trimStart();
  if (first === undefined) return false;
  // A headered file without "#separator" still names its first column "ts".
  if (/^#(separator|fields[\t ]+ts\b)/.test(first)) return true;
  if (first.startsWith('{')) {
    const obj = parseObject(first);
    return obj !== undefined && looksLikeZeekJson(obj, fileName);
  }
  return false;
}

export const zeekFormat: TelemetryFormat = {
  name: 'zeek',
  detect: detectZeek,
  create: createZeekParser,
};
