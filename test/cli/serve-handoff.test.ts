// Running continuously: while `serve` holds a store, other commands on it hand their work to the
// server and answer as when run alone; drop folders import each file once across a kill -9; a
// second command without a server waits for the store or says why it cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressIn } from '../geo-addresses.js';
import { tempDir } from '../tmp.js';
import { CLI, cli } from './run-cli.js';

const US = [0, 1, 2, 3].map((n) => addressIn('US', n));
const DE = [addressIn('DE', 0)];

function flowCsv(rows: [string, string][], day = '2024-06-10'): string {
  return [
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    ...rows.map(([src, dst], i) => `${day} 10:00:${String(i).padStart(2, '0')}.000,1.0,TCP,${src},40000,${dst},443,10,1000,1`),
  ].join('\n');
}

function startServe(db: string, extra: string[] = [], env: Record<string, string> = {}): { child: ChildProcess; log: () => string } {
  let log = '';
  const child = spawn(process.execPath, [CLI, '--db', db, 'serve', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  return { child, log: () => log };
}

async function until(what: string, ok: () => boolean, log: () => string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}; server said:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The server's exit code; a server still there a minute after it was told to stop is killed, and the test fails. */
function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const hung = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the server did not exit within a minute of SIGTERM'));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(hung);
      resolve(code);
    });
  });
}

test('while serve runs: ingest, intel import, tokens create, census and victims --json from the CLI work on its store', async () => {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  const s = startServe(db);
  try {
    await until('the server file', () => existsSync(`${db}.server.json`), s.log);
    // Relative paths mean what they mean where the command was given.
    writeFileSync(join(dir, 'iocs.txt'), 'Indicator\tFirst seen\tLast seen\n203.0.113.10\t2024-06-01\t2024-06-30\n');
    writeFileSync(join(dir, 'flows.csv'), flowCsv([[US[0]!, '203.0.113.10'], ['203.0.113.10', US[0]!], [DE[0]!, '203.0.113.10']]));
    const run = (args: string[]) => {
      const r = cliIn(dir, ['--db', 'store.duckdb', ...args]);
      return r;
    };
    const intel = run(['intel', 'import', 'iocs.txt']);
    assert.equal(intel.status, 0, intel.stderr);
    assert.match(intel.stdout, /iocs\.txt: text, 1 indicators/);
    const ingest = run(['ingest', 'flows.csv', '--json']);
    assert.equal(ingest.status, 0, ingest.stderr);
    const [imported] = JSON.parse(ingest.stdout) as { status: string; sightings: number }[];
    assert.equal(imported!.status, 'imported');
    assert.ok(imported!.sightings >= 2, ingest.stdout);
    const token = run(['tokens', 'create', '--role', 'analyst']);
    assert.equal(token.status, 0, token.stderr);
    assert.match(token.stdout, /bct_/);
    const census = JSON.parse(run(['census', '--measure', 'cumulative', '--json']).stdout) as { result: { total: number } };
    assert.equal(census.result.total, 2, 'the US and the DE victim');
    const victims = JSON.parse(run(['victims', '--json']).stdout) as { ip: string }[];
    assert.deepEqual(victims.map((v) => v.ip).sort(), [US[0]!, DE[0]!].sort());
    // A consistent copy of the store while it is served.
    const backup = run(['backup', 'backup-1']);
    assert.equal(backup.status, 0, backup.stderr);
    // Exit codes and errors come back as from a command run alone.
    const bad = run(['ingest', 'missing.csv']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /missing\.csv/);
    const usage = run(['census', '--no-such-option']);
    assert.notEqual(usage.status, 0);
    assert.match(usage.stderr, /unknown option/);
    // The dashboard's API sees the handed-off import, and says what the store keeps.
    const { url } = JSON.parse(readFileSync(`${db}.server.json`, 'utf8')) as { url: string };
    const bearer = { authorization: `Bearer ${/bct_\S+/.exec(token.stdout)![0]}` };
    const ops = (await (await fetch(`${url}/api/operations`, { headers: bearer })).json()) as { store: { bytes: number }; raw: { table: string; rows: number; oldest: string }[] };
    assert.ok(ops.store.bytes > 0);
    const flows = ops.raw.find((r) => r.table === 'flows')!;
    assert.equal(flows.rows, 3);
    assert.equal(flows.oldest, '2024-06-10T10:00:00.000Z');
    // A token revoked from another shell stops working at once.
    const id = /^id (\w+)/m.exec(token.stdout)![1]!;
    assert.equal(run(['tokens', 'revoke', id]).status, 0);
    assert.equal((await fetch(`${url}/api/operations`, { headers: bearer })).status, 401);
  } finally {
    s.child.kill('SIGTERM');
    assert.equal(await stopped(s.child), 0, s.log());
  }
  assert.ok(!existsSync(`${db}.server.json`), 'the server file goes with the server');
  // Without the server the command opens the store itself and finds the same data.
  const after = JSON.parse(cli(['--db', db, 'census', '--measure', 'cumulative', '--json']).stdout) as { result: { total: number } };
  assert.equal(after.result.total, 2);
  const restored = join(dir, 'restored.duckdb');
  assert.equal(cli(['--db', restored, 'restore', join(dir, 'backup-1')]).status, 0);
  const again = JSON.parse(cli(['--db', restored, 'victims', '--json']).stdout) as { ip: string }[];
  assert.deepEqual(again.map((v) => v.ip).sort(), [US[0]!, DE[0]!].sort(), 'the backup restores the victims');
  assert.equal(cli(['--db', restored, 'restore', join(dir, 'backup-1')]).status, 2, 'never over an existing store');
});

function cliIn(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSyncIn(cwd, args, env);
}

import { spawnSync } from 'node:child_process';
function spawnSyncIn(cwd: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('two commands on one store without a server: the second waits for the first, or says who holds it', async () => {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  assert.equal(cli(['--db', db, 'tokens', 'create', '--role', 'admin']).status, 0);
  // A process that holds the store's lock for a while, as a long import would (the instance kept
  // referenced: a collected instance would let go of the lock).
  const duck = new URL('../../node_modules/@duckdb/node-api/lib/index.js', import.meta.url).pathname.replace('/dist/', '/');
  const holder = spawn(process.execPath, ['-e', `import(${JSON.stringify(duck)}).then(async (m) => { const i = await m.DuckDBInstance.create(${JSON.stringify(db)}); globalThis.held = [i, await i.connect()]; console.log('held'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); })`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((r) => holder.stdout!.once('data', () => r()));
  const refused = cli(['--db', db, 'tokens', 'list'], { BOTCENSUS_LOCK_WAIT: '0' });
  assert.equal(refused.status, 3);
  assert.match(refused.stderr, /in use by process \d+/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  const waited = await new Promise<{ status: number | null; stderr: string; stdout: string }>((resolve) => {
    const c = spawn(process.execPath, [CLI, '--db', db, 'tokens', 'list'], { env: { ...process.env, BOTCENSUS_LOCK_WAIT: '60' } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // It says it waits: let the holder go.
      if (/waiting for it to finish/.test(stderr)) holder.stdin!.end();
    });
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
  assert.equal(waited.status, 0, waited.stderr);
  assert.match(waited.stderr, /waiting for it to finish/);
  assert.match(waited.stdout, /admin/);
});

test('drop folders: every complete file imported exactly once across a kill -9 and re-deliveries; rejected files moved aside', async () => {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  const drop = join(dir, 'flows');
  const intelDrop = join(dir, 'intel');
  mkdirSync(drop);
  mkdirSync(intelDrop);
  writeFileSync(join(intelDrop, 'iocs.txt'), 'Indicator\tFirst seen\tLast seen\n203.0.113.10\t2024-06-01\t2024-06-30\n');
  const files = US.map((ip, i) => ({ name: `nfcapd.20240610${String(i).padStart(4, '0')}.csv`, text: flowCsv([[ip, '203.0.113.10']]) }));
  const args = ['--watch', drop, '--watch-intel', intelDrop, '--watch-interval', '0.2'];

  let s = startServe(db, args);
  await until('the server file', () => existsSync(`${db}.server.json`), s.log);
  // nfcapd writes under a temporary name and renames the file into place when it is complete.
  for (const f of files.slice(0, 2)) {
    writeFileSync(join(drop, `nfcapd.current.${f.name}`), f.text);
    renameSync(join(drop, `nfcapd.current.${f.name}`), join(drop, f.name));
  }
  writeFileSync(join(drop, 'garbage.csv'), 'this is not telemetry\nat all\n');
  await until('two imports and a rejection', () => (s.log().match(/: imported/g) ?? []).length >= 3 && /garbage\.csv: rejected/.test(s.log()), s.log);
  s.child.kill('SIGKILL');
  await stopped(s.child);

  // More files while it is down, one of them a re-delivery of a file already imported.
  writeFileSync(join(drop, files[2]!.name), files[2]!.text);
  mkdirSync(join(drop, 'redelivered'));
  writeFileSync(join(drop, 'redelivered', 'copy.csv'), files[0]!.text);
  s = startServe(db, args);
  try {
    await until('the server file', () => existsSync(`${db}.server.json`), s.log);
    writeFileSync(join(drop, files[3]!.name), files[3]!.text);
    await until('every file seen', () => s.log().includes(`${files[3]!.name}: imported`) && s.log().includes('copy.csv: duplicate'), s.log);
    // The dashboard's operations answer names the rejected file and why.
    const token = /bct_\S+/.exec(cli(['--db', db, 'tokens', 'create', '--role', 'analyst']).stdout)![0];
    const { url } = JSON.parse(readFileSync(`${db}.server.json`, 'utf8')) as { url: string };
    const ops = (await (await fetch(`${url}/api/operations`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      dropFolders: { folders: { dir: string }[]; recent: { file: string; status: string }[]; rejected: { file: string; detail: string }[] };
    };
    // Rejected before the restart, still reported from the rejected/ folder with its reason.
    assert.ok(ops.dropFolders.rejected.some((o) => o.file.endsWith('garbage.csv') && o.detail.length > 0), JSON.stringify(ops.dropFolders.rejected));
    assert.deepEqual(ops.dropFolders.folders.map((f) => f.dir).sort(), [drop, intelDrop].sort());
    assert.ok(ops.dropFolders.recent.some((o) => o.file.endsWith(files[3]!.name) && o.status === 'imported'), JSON.stringify(ops));
  } finally {
    s.child.kill('SIGTERM');
    await stopped(s.child);
  }
  const imports = JSON.parse(cli(['--db', db, 'imports', '--json']).stdout) as { kind: string; file: string }[];
  const telemetry = imports.filter((i) => i.kind === 'telemetry').map((i) => i.file.split('/').pop()).sort();
  assert.deepEqual(telemetry, files.map((f) => f.name).sort(), 'each flow file once');
  assert.equal(imports.filter((i) => i.kind === 'intel').length, 1);
  const census = JSON.parse(cli(['--db', db, 'census', '--measure', 'cumulative', '--json']).stdout) as { result: { total: number } };
  assert.equal(census.result.total, 4);
  assert.ok(existsSync(join(drop, 'rejected', 'garbage.csv')));
  assert.ok(readFileSync(join(drop, 'rejected', 'garbage.csv.reason.txt'), 'utf8').length > 0);
  assert.ok(!readdirSync(drop).includes('garbage.csv'));
});

test('the dashboard answers while a handed-off import holds its transaction open, and shows the import once it commits', async () => {
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  writeFileSync(join(dir, 'iocs.txt'), '203.0.113.10\n');
  writeFileSync(join(dir, 'flows.csv'), flowCsv([[US[0]!, '203.0.113.10']]));
  assert.equal(cli(['--db', db, 'intel', 'import', join(dir, 'iocs.txt')]).status, 0);
  const token = /bct_\S+/.exec(cli(['--db', db, 'tokens', 'create', '--role', 'analyst']).stdout)![0];
  // Every transaction of the server holds open, its work done, for 5 s before it commits.
  const s = startServe(db, [], { BOTCENSUS_TEST_PAUSE_BEFORE_COMMIT: '5000' });
  try {
    await until('the server file', () => existsSync(`${db}.server.json`), s.log);
    const { url } = JSON.parse(readFileSync(`${db}.server.json`, 'utf8')) as { url: string };
    const imports = async () =>
      ((await (await fetch(`${url}/api/imports`, { headers: { authorization: `Bearer ${token}` } })).json()) as { rows: { kind: string }[] }).rows.filter((r) => r.kind === 'telemetry').length;
    const ingest = spawn(process.execPath, [CLI, '--db', db, 'ingest', join(dir, 'flows.csv')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    ingest.stderr.on('data', (b: Buffer) => (said += b.toString()));
    let done = false;
    const exited = new Promise<number | null>((r) => ingest.once('exit', (code) => ((done = true), r(code))));
    await until('the import to hold its transaction open', () => said.includes('transaction ready to commit'), () => said + s.log());
    assert.equal(await imports(), 0, 'not visible before it commits');
    assert.ok(!done, 'answered while the import was still open');
    assert.equal(await exited, 0, said);
    assert.equal(await imports(), 1, 'visible once committed');
  } finally {
    s.child.kill('SIGTERM');
    await stopped(s.child);
  }
});
