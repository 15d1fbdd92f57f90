// Settings and versions in the store's `meta` table (key, value), for the stages' own queries.
import type { Driver } from './driver.js';
import { sql } from './sql.js';

export async function readMeta(d: Driver, key: string): Promise<string | undefined> {
  const r = await d.one<{ value: string | null }>(sql`SELECT value FROM meta WHERE key = ${key}`);
  return r?.value ?? undefined;
}

export async function writeMeta(d: Driver, key: string, value: string | null): Promise<void> {
  await d.run(d.dialect.replaceInto('meta', ['key', 'value'], sql`VALUES (${key}, ${value})`));
}
