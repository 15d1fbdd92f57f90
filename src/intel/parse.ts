// Entry point for intel files: detects the format, runs its importer, folds duplicates, names the file in errors.
import { BotcensusError } from '../core/errors.js';
import { headLines, openText, readLines } from '../core/reader.js';
import type { IntelParseResult } from '../core/model/indicator.js';
import { mergeDuplicates } from './merge.js';
import { parseMispJson } from './misp.js';
import { parseStixBundle } from './stix.js';
import { TextListParser } from './text-list.js';
import { parseWarninglist } from './warninglist.js';
import { ZeekIntelParser } from './zeek-intel.js';

export type IntelFormat = 'auto' | 'text' | 'csv' | 'stix' | 'misp' | 'zeek-intel' | 'warninglist';
export type IntelFileResult = IntelParseResult & { format: Exclude<IntelFormat, 'auto'>; duplicates: number };

type Json = Record<string, unknown>;

export async function parseIntelFile(path: string, format: IntelFormat = 'auto', opts: { tz?: string } = {}): Promise<IntelFileResult> {
  try {
    const head = await headLines(path, 20);
    const detected = format === 'auto' ? await detect(path, head) : { format };
    const resolved = detected.format;
    let result: IntelParseResult & { duplicates?: number };
    if (resolved === 'stix' || resolved === 'misp' || resolved === 'warninglist') {
      const json = 'json' in detected ? detected.json : await readJson(path);
      result = resolved === 'stix' ? parseStixBundle(json) : resolved === 'misp' ? parseMispJson(json) : parseWarninglist(json);
    } else {
      const parser = resolved === 'zeek-intel' ? new ZeekIntelParser() : new TextListParser(opts);
      for await (const line of readLines(path)) parser.push(line);
      result = parser.finish();
    }
    const merged = mergeDuplicates(result.indicators);
    return { ...result, indicators: merged.indicators, format: resolved, duplicates: (result.duplicates ?? 0) + merged.duplicates };
  } catch (err) {
    if (err instanceof BotcensusError) {
      if (err.where.file) throw err;
      throw new BotcensusError(err.code, err.message, { ...err.where, file: path }, { cause: err });
    }
    throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file: path }, { cause: err });
  }
}

/** JSON by its first character and keys; Zeek intel by its #fields line; anything else is a text list. */
async function detect(path: string, head: string[]): Promise<{ format: Exclude<IntelFormat, 'auto'>; json?: unknown }> {
  if (looksLikeJson(head)) {
    const json = await readJson(path);
    const format = jsonKind(json);
    if (!format) throw new BotcensusError('UNKNOWN_FORMAT', 'JSON that is neither a STIX bundle, a MISP event nor a MISP warninglist', { file: path });
    return { format, json };
  }
  if (head.some((l) => l.startsWith('#fields') && /\bindicator_type\b/.test(l))) return { format: 'zeek-intel' };
  return { format: 'text' };
}

function looksLikeJson(head: string[]): boolean {
  const first = head[0]?.trimStart() ?? '';
  // "[2001:db8::1]:443" starts a text list, not a JSON array.
  return first.startsWith('{') || /^\[\s*([{["\]]|$)/.test(first);
}

export function jsonKind(json: unknown): 'stix' | 'misp' | 'warninglist' | undefined {
  const o = (Array.isArray(json) ? json[0] : json) as Json | undefined;
  if (!o || typeof o !== 'object') return undefined;
  if (o.type === 'bundle' || Array.isArray(o.objects)) return 'stix';
  if ('Event' in o || 'response' in o || 'Attribute' in o) return 'misp';
  if (typeof o.name === 'string' && Array.isArray(o.list)) return 'warninglist';
  return undefined;
}

/** Reads and parses a whole JSON file (gzip accepted); a syntax error names the line when V8 gives a position. */
async function readJson(path: string): Promise<unknown> {
  const { stream } = await openText(path);
  const chunks: Buffer[] = [];
  try {
    for await (const c of stream) chunks.push(c as Buffer);
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `read failed: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new BotcensusError('BAD_INPUT', `not valid JSON: ${(err as Error).message}`, { file: path, line });
  }
}
