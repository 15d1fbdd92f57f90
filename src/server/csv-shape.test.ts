// One CSV shape for victims: the dashboard's download and `botcensus export` (DuckDB's writer) give
// the same header and the same rows, with ISO UTC times, ';'-joined lists and formula cells defused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../core/ip.js';
import { DAY, reportStore } from '../../test/report-fixture.js';
import { tempDir } from '../../test/tmp.js';
import { buildServer } from './app.js';
import { toCsv, VICTIM_CSV } from './csv.js';
import { call } from './test-client.js';
import { buildScenario } from '../../test/server-scenario.js';
import { importIntel } from '../match/import.js';
import { victims } from '../census/victims.js';
import { exportData } from '../report/export.js';

const sortedBody = (csv: string) => {
  const [head, ...rows] = csv.split('\r\n').filter((l) => l !== '');
  return { head, rows: rows.sort() };
};

test('the dashboard victims CSV and the export CSV are the same file (rows in any order)', async () => {
  const s = await buildScenario();
  const app = await buildServer(s.store, { webRoot: null });
  try {
    const web = (await call(app, 'GET', '/api/victims?format=csv', s.tokens.analyst)).body;
    const file = join(tempDir(), 'v.csv');
    await exportData(s.store, 'victims', 'csv', file, {});
    const cli = readFileSync(file, 'utf8');
    assert.deepEqual(sortedBody(cli), sortedBody(web));
    assert.ok(sortedBody(web).rows.length >= 5);
  } finally {
    await app.close();
    await s.store.close();
  }
});

test('export CSV: formula cells prefixed with a quote, times with Z, lists joined with ";"', async () => {
  const store = await reportStore(join(tempDir(), 'hostile.duckdb'));
  try {
    const ip = parseIp('203.0.113.10')!;
    const meta = { kind: 'intel' as const, format: 'test', file: '-hostile.txt', sha256: `hostile-${Date.now()}`, source: '@feed' };
    await importIntel(
      store,
      { meta, counts: { lines: 1, records: 1, framing: 0, rejected: 0, examples: [] }, warnings: [], family: '=HYPERLINK("http://x.example")', indicators: [{ type: 'ip', value: '203.0.113.10', lo: ip, hi: ip, tags: [], forDetection: true, line: 1 }] },
      { graceMs: DAY },
    );
    const dir = tempDir();
    await exportData(store, 'victims', 'csv', join(dir, 'v.csv'), {});
    await exportData(store, 'sightings', 'csv', join(dir, 's.csv'), {});
    const exported = readFileSync(join(dir, 'v.csv'), 'utf8');
    const sightings = readFileSync(join(dir, 's.csv'), 'utf8');
    // The same rows as the dashboard's writer gives for the store's victim list.
    const expected = toCsv(await victims(store, { limit: 100_000 }), VICTIM_CSV);
    assert.deepEqual(sortedBody(exported), sortedBody(expected));
    const v1 = exported.split('\r\n').find((l) => l.startsWith('192.0.3.1,'))!;
    assert.ok(v1.includes(`"'=HYPERLINK(""http://x.example"")`), v1);
    assert.match(v1, /;raptor-train|raptor-train;|HYPERLINK.*;/, 'two families in one cell, joined with ;');
    assert.match(v1, /,2024-06-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,/);
    for (const line of [...exported.split('\r\n'), ...sightings.split('\r\n')])
      for (const cell of line.split(','))
        assert.doesNotMatch(cell, /^"?[=+@\t\r]/, `a formula cell left as is: ${line}`);
    assert.ok(sightings.includes(`"'=HYPERLINK(""http://x.example"")"`), 'a family starting with = is defused');
    assert.ok(sightings.includes(`'@feed`), 'a source starting with @ is defused');
    assert.match(sightings.split('\r\n')[1]!, /,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,/);
  } finally {
    await store.close();
  }
});
