import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'node-html-parser';
import { tempDir } from '../../../test/tmp.js';
import { reportStore } from '../../../test/report-fixture.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const cli = (db: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, '--db', db, ...args], { encoding: 'utf8' });

test('botcensus report: the HTML country table equals botcensus census --json; Markdown too', async () => {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  await (await reportStore(db)).close();
  const window = ['--since', '2024-06-08T00:00:00Z', '--until', '2024-06-12T12:00:00Z', '--measure', 'window', '--top', '3'];
  const census = cli(db, 'census', '--json', ...window);
  assert.equal(census.status, 0, census.stderr);
  const json = JSON.parse(census.stdout) as { result: { rows: { key: string; count: number; share: number }[]; others?: { count: number }; total: number } };
  const html = cli(db, 'report', '--out', join(dir, 'r.html'), ...window);
  assert.equal(html.status, 0, html.stderr);
  assert.match(html.stderr, /wrote html report to .*r\.html: active 11, window 16, cumulative 17/);
  const doc = parse(readFileSync(join(dir, 'r.html'), 'utf8'));
  const rows = doc.querySelectorAll('#country-table tbody tr');
  const want = [...json.result.rows.map((r) => [r.key, r.count, r.share]), ['others', json.result.others!.count], ['total', json.result.total]];
  const got = rows.map((tr) => {
    const r: (string | number)[] = [tr.getAttribute('data-key')!, Number(tr.getAttribute('data-count'))];
    if (tr.classList.contains('country')) r.push(Number(tr.getAttribute('data-share')));
    return r;
  });
  assert.deepEqual(got, want);
  assert.equal(doc.querySelector('#country-table')!.getAttribute('data-measure'), 'window');
  const trend = doc.querySelectorAll('#trend circle').map((c) => c.getAttribute('data-day'));
  assert.deepEqual(trend, ['2024-06-08', '2024-06-09', '2024-06-10', '2024-06-11', '2024-06-12']); // --since starts the trend

  const md = cli(db, 'report', '--out', join(dir, 'r.md'), ...window);
  assert.equal(md.status, 0, md.stderr);
  const text = readFileSync(join(dir, 'r.md'), 'utf8');
  for (const r of json.result.rows) assert.ok(text.includes(`| ${r.key} | ${r.count} | ${(r.share * 100).toFixed(1)}% |`), r.key);
});

test('botcensus report refuses an unknown extension and a bad time before touching the store', async () => {
  const dir = tempDir();
  const bad = cli(join(dir, 'none.duckdb'), 'report', '--out', join(dir, 'r.txt'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--out must end in \.html, \.pdf or \.md/);
  const time = cli(join(dir, 'none.duckdb'), 'report', '--out', join(dir, 'r.html'), '--at', 'yesterday');
  assert.equal(time.status, 2);
  assert.match(time.stderr, /--at takes a date-time/);
  const top = cli(join(dir, 'none.duckdb'), 'report', '--out', join(dir, 'r.html'), '--top', 'ten');
  assert.equal(top.status, 2);
  assert.match(top.stderr, /--top takes a whole number of 1 or more, not "ten"/);
  assert.ok(!existsSync(join(dir, 'none.duckdb')));
});
