// How both drivers name the tables they keep (Driver.withKeptTable): `_kept_<declaration>_<n>_<id>`,
// where n orders them (newer is larger) and id is a hash of the key, and how many of one
// declaration they keep.
import { createHash } from 'node:crypto';
import type { Table } from './schema.js';

/** Kept tables per declaration: a census asks three windows, a dashboard a few more. */
export const KEEP = 8;

export const KEPT_PREFIX = '_kept_';

/** The start of the names of `table`'s kept tables. */
export const keptPrefix = (t: Table): string => `${KEPT_PREFIX}${t.name}_`;

/** The part of a kept table's name that stands for its key. */
export const keyId = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** The number a kept (or building) table's name holds after `prefix`, 0 when it holds none. */
export const nameOrder = (name: string, prefix: string): number => Number(name.slice(prefix.length).split('_')[0]) || 0;
