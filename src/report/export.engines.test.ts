// `botcensus export` written once: the same files (CSV and JSON byte for byte, Parquet row for
// row) on DuckDB from kept windows and from windows computed per question, and on ClickHouse.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Db } from '../store/duckdb/connection.js';
import { ip, t } from '../store/conformance/records.js';
import { sameOnEngines } from '../../test/window-scenario.js';
import { tempDir } from '../../test/tmp.js';
import { exportData, type ExportFormat, type ExportWhat } from './export.js';
import type { VictimFilter } from '../store/store.js';

/** A Parquet file's rows, read back. */
async function parquetRows(file: string): Promise<unknown[]> {
  const db = await Db.open(':memory:', 1);
  try {
    return await db.all(`SELECT * FROM read_parquet('${file.replace(/'/g, "''")}')`);
  } finally {
    db.close();
  }
}

const FILTERS: [string, VictimFilter][] = [
  ['all', {}],
  ['window', { from: t('2024-06-11T00:00:00Z'), to: t('2024-06-12T00:30:00Z') }],
  ['US AS64500', { country: 'US', asn: 64500 }],
  ['constituency', { constituency: { countries: [], asns: [], ranges: [[ip('198.51.101.0'), ip('198.51.101.8')], [ip('192.0.3.200'), ip('192.0.3.201')]] } }],
];

await sameOnEngines(
  'export',
  async (src) => {
    const out: Record<string, unknown> = {};
    const dir = tempDir();
    for (const what of ['victims', 'sightings'] as ExportWhat[])
      for (const format of ['csv', 'json', 'parquet'] as ExportFormat[])
        for (const [name, filter] of FILTERS) {
          if (what === 'sightings' && name !== 'all' && name !== 'window') continue;
          const file = join(dir, `${what}-${name}.${format}`);
          const n = await exportData(src, what, format, file, filter);
          out[`${what} ${format} ${name}`] = { n, content: format === 'parquet' ? await parquetRows(file) : readFileSync(file, 'utf8') };
        }
    return out;
  },
  (a) => {
    const csv = (a['victims csv all'] as { n: number; content: string });
    const lines = csv.content.split('\r\n').filter((l) => l !== '');
    assert.equal(lines[0], 'ip,country,asn,as_org,grade,families,indicators,kinds,first_seen,last_seen,events,device_id,warninglists,owner');
    assert.equal(lines.length - 1, csv.n);
    assert.ok(csv.n > 5);
    const json = (a['victims json all'] as { content: string }).content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(json.length, csv.n);
    assert.ok(json.some((r) => r.device === 'ssh:router-a' && r.owner === 'Mobile' && r.grade === 'one-way'));
    assert.ok(json.every((r) => typeof r.asn_source === 'string' || r.special !== null), 'every victim has its AS provider or is special-purpose');
    const ranged = (a['victims json constituency'] as { content: string }).content.trim().split('\n').map((l) => (JSON.parse(l) as { ip: string }).ip);
    assert.deepEqual(ranged.sort(), ['192.0.3.200', '192.0.3.201', '198.51.101.7']);
    const sightings = (a['sightings parquet all'] as { n: number; content: Record<string, unknown>[] });
    assert.equal(sightings.content.length, sightings.n);
    assert.ok(sightings.content.some((r) => r.indicator === 'c2.example' && r.kind === 'dns' && r.to_indicator === true && r.detail === 'a.b.c2.example'));
    assert.ok((a['sightings csv window'] as { n: number }).n < sightings.n);
  },
);
