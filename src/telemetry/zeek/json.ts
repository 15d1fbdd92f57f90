// Zeek's JSON-lines logs: field access by dotted name over flat ("id.orig_h") or nested
// ({"id":{"orig_h":...}}) keys, and telling which log a line belongs to.
import type { ZeekFields } from './field-view.js';
import { logFromFields, logFromFileName } from './log-type.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a dotted name: the flat key when present, else the nested path. */
export function lookup(obj: Json, name: string): unknown {
  const flat = obj[name];
  if (flat !== undefined && flat !== null) return flat;
  let dot = name.indexOf('.');
  // Try every split point, so "remote_location.country_code" works half-flat, half-nested too.
  while (dot > 0) {
    const child = obj[name.slice(0, dot)];
    if (isObject(child)) {
      const v = lookup(child, name.slice(dot + 1));
      if (v !== undefined) return v;
    }
    dot = name.indexOf('.', dot + 1);
  }
  return undefined;
}

function scalarText(v: unknown): string | number | undefined {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  return undefined;
}

/** A field view over one parsed JSON line. Zeek leaves unset fields out (or writes null). */
export function jsonFields(obj: Json): ZeekFields {
  return {
    has: (name) => lookup(obj, name) !== undefined,
    value(name) {
      const v = lookup(obj, name);
      if (Array.isArray(v)) return v.map((x) => String(scalarText(x) ?? '')).join(',');
      return scalarText(v);
    },
    list(name) {
      const v = lookup(obj, name);
      if (v === undefined) return undefined;
      const items = Array.isArray(v) ? v : [v];
      return items.map(scalarText).filter((x) => x !== undefined).map(String);
    },
  };
}

/** The log a JSON line belongs to: its `_path`, else its keys, else the file's name. */
export function jsonLogName(obj: Json, fields: ZeekFields, fileName: string): string | undefined {
  const path = obj['_path'];
  if (typeof path === 'string' && path !== '') return path.toLowerCase();
  return logFromFields(fields.has) ?? logFromFileName(fileName);
}

/**
 * True for a JSON line Zeek wrote: `_path`, or `ts` with a connection id (flat or nested) or a
 * uid, or `ts` in a file named after a Zeek log. Suricata EVE (`event_type`) is never Zeek.
 */
export function looksLikeZeekJson(obj: Json, fileName: string): boolean {
  if ('event_type' in obj) return false;
  if (typeof obj['_path'] === 'string') return true;
  if (obj['ts'] === undefined) return false;
  if (lookup(obj, 'id.orig_h') !== undefined || typeof obj['uid'] === 'string') return true;
  return logFromFileName(fileName) !== undefined;
}
