// What a first-time user meets on the command line: a mistyped --db refused, relative times that
// count back from the data, nonsense options refused, one plain line (and a documented exit code)
// for every ordinary mistake, --version, and a pipe closed early taken quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { reportStore } from '../report-fixture.js';
import { tempDir } from '../tmp.js';
import { CLI, cli } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const ready = reportStore(db).then((s) => s.close());
const run = async (...args: string[]) => {
  await ready;
  return cli(['--db', db, ...args]);
};
/** One line on stderr, no stack trace. */
const oneLine = (stderr: string) => {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at |node:internal|Error:/, stderr);
};

test('reading commands refuse a store that does not exist (exit 3) and leave no file; importing ones create it and say so', () => {
  const missing = join(dir, 'botcensus-dmeo.duckdb');
  for (const args of [['census'], ['victims'], ['report', '--out', join(dir, 'r.html')], ['owners', 'list'], ['notify', 'plan'], ['imports']]) {
    const r = cli(['--db', missing, ...args]);
    assert.equal(r.status, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /no store at .*botcensus-dmeo\.duckdb/);
    oneLine(r.stderr);
    assert.ok(!existsSync(missing), `${args.join(' ')} created the store`);
  }
  writeFileSync(join(dir, 'iocs.txt'), '203.0.113.10\n');
  const r = cli(['--db', missing, 'intel', 'import', join(dir, 'iocs.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /created a new store at .*botcensus-dmeo\.duckdb/);
  assert.ok(existsSync(missing));
  const again = cli(['--db', missing, 'intel', 'import', join(dir, 'iocs.txt')]);
  assert.doesNotMatch(again.stderr, /created/);
});

test('notify plan --since 2d counts back from the latest sighting, as the census does', async () => {
  // The fixture's latest sighting is 2024-06-12T12:00Z: two days back is 2024-06-10T12:00Z.
  const relative = await run('notify', 'plan', '--since', '2d', '--json');
  const absolute = await run('notify', 'plan', '--since', '2024-06-10T12:00:00Z', '--json');
  assert.equal(relative.status, 0, relative.stderr);
  const plan = JSON.parse(relative.stdout) as { owners: { victims: unknown[] }[] };
  assert.ok(plan.owners.length > 0, 'the last two days of the data hold victims');
  assert.deepEqual(JSON.parse(relative.stdout).owners, JSON.parse(absolute.stdout).owners);
  // The census takes the same spelling, with the same meaning.
  const c1 = JSON.parse((await run('census', '--measure', 'window', '--since', '2d', '--json')).stdout);
  const c2 = JSON.parse((await run('census', '--measure', 'window', '--since', '2024-06-10T12:00:00Z', '--json')).stdout);
  assert.equal(c1.result.total, c2.result.total);
  assert.ok(c1.result.total > 0);
});

test('an empty window says why', async () => {
  const plan = await run('notify', 'plan', '--since', '2025-01-01');
  assert.equal(plan.status, 0, plan.stderr);
  assert.match(plan.stderr, /no victim was seen since 2025-01-01T00:00:00\.000Z: the latest sighting is at 2024-06-12T12:00:00\.000Z/);
  const census = await run('census', '--measure', 'window', '--since', '2025-01-01', '--until', '2025-02-01');
  assert.match(census.stdout, /No victim was seen in this window; the latest sighting is at 2024-06-12T12:00:00Z/);
  const victims = await run('victims', '--since', '2025-01-01');
  assert.match(victims.stderr, /no victim matches in this window; the latest sighting is at 2024-06-12T12:00:00\.000Z/);
});

test('nonsense options are refused with exit 2 and what the option takes', async () => {
  const cases: [string[], RegExp][] = [
    [['census', '--since', '2024-06-12', '--until', '2024-06-01'], /--since \(2024-06-12T00:00:00\.000Z\) is after --until/],
    [['census', '--top', '-5'], /--top takes a whole number of 1 or more, not "-5"/],
    [['census', '--top', '2.5'], /--top takes a whole number/],
    [['victims', '--limit', 'abc'], /--limit takes a whole number of 1 or more, not "abc"/],
    [['victims', '--offset', '-1'], /--offset takes a whole number of 0 or more/],
    [['victims', '--country', 'Atlantis'], /--country takes a two-letter ISO 3166 code \(e\.g\. DE\) or an English country name, not "Atlantis"/],
    [['victims', '--asn', 'ASX'], /--asn takes an AS number/],
    [['victims', '--since', 'yesterday'], /--since takes a date-time .* or a span back from the latest sighting/],
    [['owners', 'list', '--limit', 'many'], /--limit takes a whole number of 0 or more/],
    [['intel', 'list', '--limit', 'abc'], /--limit takes a whole number of 1 or more, not "abc"/],
    [['exposure', '--top', '0'], /--top takes a whole number of 1 or more/],
    [['report', '--out', join(dir, 'r.html'), '--since', '2024-06-12', '--until', '2024-06-01'], /--since .* is after --until/],
    [['export', '--out', join(dir, 'v.csv'), '--country', 'Narnia'], /--country takes/],
  ];
  for (const [args, want] of cases) {
    const r = await run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    oneLine(r.stderr);
  }
});

test('victims --country takes an English country name as its ISO code', async () => {
  const byName = await run('victims', '--country', 'united states', '--json');
  const byCode = await run('victims', '--country', 'us', '--json');
  assert.equal(byName.status, 0, byName.stderr);
  assert.deepEqual(JSON.parse(byName.stdout), JSON.parse(byCode.stdout));
});

test('missing files and folders: one plain line, exit 1, the stack only with BOTCENSUS_DEBUG=1', async () => {
  for (const args of [['ingest', '/nonexistent/file.csv'], ['intel', 'import', '/nonexistent/iocs.txt']]) {
    const r = await run(...args);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^botcensus: \/nonexistent\/\w+\.\w+: no such file( or directory)?\n$/);
  }
  const started = Date.now();
  const report = await run('report', '--out', '/nonexistent/dir/r.html');
  assert.equal(report.status, 1);
  assert.match(report.stderr, /--out \/nonexistent\/dir\/r\.html: the folder \/nonexistent\/dir does not exist/);
  oneLine(report.stderr);
  const exp = await run('export', '--out', '/nonexistent/dir/v.csv');
  assert.equal(exp.status, 1);
  assert.ok(Date.now() - started < 60_000);
  const debug = cli(['--db', db, 'report', '--out', '/nonexistent/dir/r.html'], { BOTCENSUS_DEBUG: '1' });
  assert.match(debug.stderr, /\n\s+at /, 'BOTCENSUS_DEBUG=1 shows the stack');
});

test('--version prints the package version; --help documents the exit codes', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const v = cli(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  const h = cli(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Exit codes:\n\s+0 +done\n\s+1 +the work failed/);
  assert.match(h.stdout, /BOTCENSUS_DEBUG=1/);
  const unknown = cli(['censsu']);
  assert.equal(unknown.status, 2);
});

test('a listing piped into a reader that stops early ends quietly (no EPIPE trace)', async () => {
  await ready;
  const child = spawn(process.execPath, [CLI, '--db', db, 'victims', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  // Like `head -0`: the reader is gone before the first line is written.
  child.stdout.destroy();
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.doesNotMatch(stderr, /EPIPE|\n\s+at /, stderr);
  assert.equal(code, 0, stderr);
});

test('serve on a port already in use: one line naming the port, exit 1', async () => {
  await ready;
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as AddressInfo).port;
  try {
    const child = spawn(process.execPath, [CLI, '--db', db, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearTimeout(timer);
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`^botcensus: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    oneLine(stderr);
  } finally {
    holder.close();
  }
});

test('imports --json gives every key on every record, null when unknown', async () => {
  const r = await run('imports', '--json');
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.ok(rows.length >= 3);
  const keys = Object.keys(rows[0]!);
  for (const k of ['id', 'kind', 'format', 'file', 'source', 'sensor', 'importedAt', 'records', 'rejected', 'prefiltered', 'minTs', 'maxTs']) assert.ok(keys.includes(k), k);
  for (const row of rows) assert.deepEqual(Object.keys(row), keys);
  assert.ok(rows.some((x) => x.sensor === null), 'an unknown sensor is null, not missing');
});

test('ingest over many files: progress with file count, rate and time left on a terminal; totals at the end; a word when no indicators are stored', async () => {
  const d = tempDir();
  const store = join(d, 'ingest.duckdb');
  const header = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
  // Day 3's devices are new: 192.0.2.x, where days 1 and 2 have 198.51.100.x.
  const flows = (day: number) =>
    [header, ...Array.from({ length: 20 }, (_, i) => `2024-06-0${day} 10:00:${String(i).padStart(2, '0')}.000,1.0,TCP,${day === 3 ? '192.0.2' : '198.51.100'}.${i + 1},${1024 + i},203.0.113.10,443,1,100,1`)].join('\n') + '\n';
  for (const day of [1, 2, 3]) writeFileSync(join(d, `flows-${day}.csv`), flows(day));
  const first = cli(['--db', store, 'ingest', join(d, 'flows-1.csv'), join(d, 'flows-2.csv')]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /the store has no indicators yet/);
  assert.match(first.stdout, /^2 files in \d+ s: 40 records, 0 rejected lines, 0 new sightings, 0 new victims$/m);
  writeFileSync(join(d, 'iocs.txt'), '203.0.113.10\n');
  assert.equal(cli(['--db', store, 'intel', 'import', join(d, 'iocs.txt')]).status, 0);
  // On a terminal (script gives the command one), the progress line counts files and estimates the time left.
  const shell = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, CLI, '--db', store, 'ingest', join(d, 'flows-2.csv'), join(d, 'flows-3.csv')].map(shell).join(' ');
  const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
  assert.equal(tty.status, 0, tty.stdout + tty.stderr);
  assert.match(tty.stdout, /ingest 1\/2 files, \d+ kB of \d+ kB, [\d.]+ \w?B\/s/);
  assert.match(tty.stdout, /ingest 2\/2 files, .*flows-3\.csv/);
  assert.match(tty.stdout, /2 files in \d+ s: 20 records, 0 rejected lines, 20 new sightings, 20 new victims; 1 already imported/);
  assert.doesNotMatch(tty.stdout, /no indicators yet/);
});
