// The names the sinkhole is authoritative for: each listed name and every name under it.
import { readFile } from 'node:fs/promises';
import { BotcensusError } from '../core/errors.js';

/** A sinkholed name and the family it belongs to, when the source says. */
export interface SinkholedName {
  name: string;
  family?: string;
}

export class NameSet {
  private readonly names = new Map<string, string | undefined>();

  constructor(list: SinkholedName[]) {
    for (const n of list) this.names.set(normalizeName(n.name), n.family);
  }

  get size(): number {
    return this.names.size;
  }

  /** The listed name that covers `qname` (itself or a parent), or undefined. */
  cover(qname: string): string | undefined {
    let n = qname;
    for (;;) {
      if (this.names.has(n)) return n;
      const dot = n.indexOf('.');
      if (dot < 0) return undefined;
      n = n.slice(dot + 1);
    }
  }

  family(name: string): string | undefined {
    return this.names.get(name);
  }

  list(): SinkholedName[] {
    return [...this.names].map(([name, family]) => (family ? { name, family } : { name }));
  }
}

export function normalizeName(s: string): string {
  return s.trim().toLowerCase().replace(/\.$/, '');
}

const NAME = /^(?:\*\.)?([a-z0-9_](?:[a-z0-9_-]{0,62})?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62})?)*$/;

/**
 * A --domains file: one name a line, `#` comments and blank lines skipped; an optional family after
 * whitespace ("c2.example  raptortrain"). A leading "*." is allowed and means the same as the name.
 */
export async function readNamesFile(file: string): Promise<SinkholedName[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file });
  }
  const out: SinkholedName[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [name, family] = line.split(/\s+/) as [string, string | undefined];
    const n = normalizeName(name).replace(/^\*\./, '');
    if (!NAME.test(n) || n.length > 253) throw new BotcensusError('BAD_INPUT', `not a domain name: ${JSON.stringify(name)}`, { file, line: i + 1, field: 'name' });
    out.push(family ? { name: n, family } : { name: n });
  });
  if (!out.length) throw new BotcensusError('BAD_INPUT', 'no names in the file', { file });
  return out;
}
