// A DuckDB store in a scratch folder with the small geo fixture instead of the full range data.
import { join, resolve } from 'node:path';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { tempDir } from './tmp.js';

const GEO = resolve(process.cwd(), 'test/fixtures/geo');

export const FIXTURE_GEO = {
  version: 'fixture-1',
  asnV4: [join(GEO, 'asn-v4.csv')],
  asnV6: [join(GEO, 'asn-v6.csv')],
  countryV4: [join(GEO, 'country-v4.csv')],
  countryV6: [join(GEO, 'country-v6.csv')],
};

export async function openTestStore(path = join(tempDir(), 'test.duckdb')): Promise<DuckDbStore> {
  return DuckDbStore.open(path, { geo: FIXTURE_GEO, threads: 2 });
}
