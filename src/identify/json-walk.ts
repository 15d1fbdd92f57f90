// Small readers for nested JSON scan records: optional paths, strings and string lists, without
// each format re-checking types by hand.

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a dotted path, or undefined when any step is missing or not an object. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function objAt(obj: unknown, path: string): Json | undefined {
  const v = at(obj, path);
  return isObject(v) ? v : undefined;
}

/** A non-empty string at the path (the first element when it is a list of strings). */
export function strAt(obj: unknown, path: string): string | undefined {
  return firstString(at(obj, path));
}

export function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (Array.isArray(v)) for (const x of v) if (typeof x === 'string' && x !== '') return x;
  return undefined;
}

/** Looks a header up case-insensitively in an object of name → string | string[] (also "X-Powered-By" vs "x_powered_by"). */
export function headerAt(headers: Json | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase().replace(/-/g, '_');
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase().replace(/-/g, '_') !== want) continue;
    const s = firstString(v) ?? firstString(isObject(v) ? v['headers'] : undefined);
    if (s !== undefined) return s;
  }
  return undefined;
}

/** The first line of a file as JSON, or undefined when it is not JSON (format detection). */
export function firstJson(head: string[]): unknown {
  try {
    return JSON.parse(head[0] ?? '') as unknown;
  } catch {
    return undefined;
  }
}
