// Locates ../shared/data (real third-party data, never copied into the repo) for the real-data suite.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DATA = resolve(process.env.BOTCENSUS_SHARED ?? resolve(process.cwd(), '../shared'), 'data');
export const haveShared = existsSync(SHARED_DATA);

/** Absolute path of a file under ../shared/data. */
export function shared(rel: string): string {
  return resolve(SHARED_DATA, rel);
}
