// DELETE and UPDATE statements on ClickHouse: 18.16 has neither, only ALTER TABLE ... DELETE /
// UPDATE (mutations, asynchronous, on each shard's own table). The driver runs such a statement
// as a mutation on every shard holding matching rows and waits until it is done, so it has taken
// effect when `run` returns, as on DuckDB. It is not undone when an `atomically` around it throws,
// and it rewrites the parts that hold matching rows: meant for small tables (settings, tokens,
// the KEV catalog, devices, range data), not for flows.
import { IDENT } from './insert-batch.js';

export interface Mutation {
  /** The table it changes (unquoted). */
  table: string;
  /** `DELETE WHERE cond` or `UPDATE a = x WHERE cond`, to follow `ALTER TABLE t`. */
  action: string;
  /** The condition alone, to count the rows it touches. */
  where: string;
}

const DELETE = new RegExp(`^\\s*DELETE\\s+FROM\\s+(${IDENT})(?:\\s+WHERE\\s+([\\s\\S]*?))?\\s*;?\\s*$`, 'i');
const UPDATE = new RegExp(`^\\s*UPDATE\\s+(${IDENT})\\s+SET\\s+`, 'i');
const ALTER = new RegExp(`^\\s*ALTER\\s+TABLE\\s+(${IDENT})\\s+((?:DELETE|UPDATE)\\b[\\s\\S]*?)\\s*;?\\s*$`, 'i');

function unquote(name: string): string {
  if (name.startsWith('`')) return name.slice(1, -1).replace(/\\(.)/g, '$1');
  if (name.startsWith('"')) return name.slice(1, -1).replace(/""/g, '"');
  return name;
}

/**
 * The mutation a rendered DELETE or UPDATE statement stands for, or undefined for any other
 * statement. An UPDATE needs a WHERE (ClickHouse requires one): `SET ... WHERE` is split at the
 * first WHERE outside quotes and parentheses (values are quoted literals).
 */
export function mutationOf(text: string): Mutation | undefined {
  const d = DELETE.exec(text);
  if (d) {
    const where = d[2]?.trim() || '1';
    return { table: unquote(d[1]!), action: `DELETE WHERE ${where}`, where };
  }
  const u = UPDATE.exec(text);
  if (!u) return undefined;
  const rest = text.slice(u[0].length);
  const at = topLevelWhere(rest);
  if (at === undefined) throw new Error(`ClickHouse: an UPDATE needs a WHERE: ${text.slice(0, 120)}`);
  const where = rest.slice(at + 5).trim().replace(/;$/, '');
  return { table: unquote(u[1]!), action: `UPDATE ${rest.slice(0, at).trim()} WHERE ${where}`, where };
}

/** Index of the first WHERE keyword outside quotes and parentheses. */
function topLevelWhere(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '`' || ch === '"') {
      i++;
      while (i < text.length && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^WHERE\b/i.test(text.slice(i, i + 6)) && /\s/.test(text[i - 1] ?? ' ')) return i;
  }
  return undefined;
}

/**
 * A mutation written as such (`ALTER TABLE t DELETE|UPDATE ...`, the dialect's deleteWhere): left
 * to run asynchronously, but on each shard's own table, since a Distributed table takes none.
 */
export function asyncMutationOf(text: string): Omit<Mutation, 'where'> | undefined {
  const m = ALTER.exec(text);
  return m ? { table: unquote(m[1]!), action: m[2]! } : undefined;
}
