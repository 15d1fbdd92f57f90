// Hostile files through the command line, for every reader: each import ends with plain lines (no
// stack), a refused file leaves the store as it was. A 50 MB single line, a gzip bomb of 1 GiB,
// a FIFO, a symbolic-link loop, control bytes in quoted input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../tmp.js';
import { importArgs, SEEDS, type Seed } from '../hostile/seeds.js';
import { CLI, cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');

/** Runs the CLI, killed after `seconds`: a run that does not end fails the test instead of hanging it. */
function bounded(args: string[], seconds = 60, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, '--db', db, ...args], { encoding: 'utf8', timeout: seconds * 1000, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  assert.equal(r.signal, null, `botcensus ${args.join(' ')} did not end within ${seconds} s`);
  return r;
}

/** No stack trace, no raw control bytes: every stderr line is one plain message. */
function assertPlain(out: string, what: string): void {
  assert.doesNotMatch(out, /^\s+at .+\(.*:\d+:\d+\)$/m, `${what}: a stack trace\n${out}`);
  assert.doesNotMatch(out.replace(/[\n\t]/g, ''), /[\x00-\x08\x0b-\x1f\x7f]/, `${what}: raw control bytes\n${JSON.stringify(out)}`);
}

const state = () => ({ imports: cliJson<unknown[]>(['--db', db, 'imports']), victims: cliJson<unknown[]>(['--db', db, 'victims']) });

test('a 50 MB single line and a gzip bomb through the command line: plain lines, quickly, the store unchanged', () => {
  writeFileSync(join(dir, 'good.txt'), '203.0.113.10\n');
  assert.equal(cli(['--db', db, 'intel', 'import', join(dir, 'good.txt')]).status, 0);
  const long = join(dir, 'long.txt');
  writeFileSync(long, Buffer.concat([Buffer.from('203.0.113.11\n'), Buffer.alloc(50 << 20, 'A'), Buffer.from('\n203.0.113.12\n')]));
  const r = bounded(['intel', 'import', long]);
  rmSync(long);
  assertPlain(r.stdout + r.stderr, 'long line');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /long\.txt: text, 2 indicators, 1 rejected/);
  assert.match(r.stdout, /line 2: line longer than 1 MiB \(52428800 bytes; BOTCENSUS_MAX_LINE_BYTES\): rejected\n {4}A{200}…\n/);
  const before = state();
  const bomb = join(dir, 'bomb.log.gz');
  const seed = SEEDS.find((s) => s.reader === 'zeek') as Seed;
  const member = gzipSync(Buffer.from(seed.text.trimEnd().split('\n').pop()!.concat('\n').repeat(100_000)), { level: 9 });
  writeFileSync(bomb, Buffer.concat([gzipSync(seed.text), ...Array.from({ length: 100 }, () => member)]));
  const b = bounded(importArgs(seed, bomb));
  assertPlain(b.stdout + b.stderr, 'bomb');
  assert.equal(b.status, 1);
  assert.match(b.stderr, /^botcensus: \S+bomb\.log\.gz: gzip file inflates more than 100 times its compressed size \(\d+:1 after \S+ [KM]iB; BOTCENSUS_MAX_INFLATE_RATIO\): refused as a possible gzip bomb\n$/);
  assert.deepEqual(state(), before);
});

test('a FIFO given as a file, or met in a directory, is named and skipped without blocking', () => {
  const fifo = join(dir, 'pipe.log');
  execFileSync('mkfifo', [fifo]);
  for (const args of [['ingest', fifo], ['intel', 'import', fifo], ['kev', 'import', fifo]]) {
    const r = bounded(args, 30);
    assertPlain(r.stderr, args.join(' '));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pipe\.log: a FIFO, not a regular file: skipped/, r.stderr);
  }
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'iocs.txt'), '203.0.113.77\n');
  execFileSync('mkfifo', [join(tree, 'pipe.txt')]);
  const r = bounded(['intel', 'import', tree], 30);
  assert.match(r.stdout, /iocs\.txt: text, 1 indicators/);
  assert.match(r.stderr, /pipe\.txt: a FIFO, not a regular file: skipped/);
  assert.equal(r.status, 1, 'a skipped file is not silent');
});

test('a symbolic-link loop in a directory walk is named once, in a plain line, and the rest imported', () => {
  const tree = join(dir, 'loop');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  writeFileSync(join(tree, 'sub', 'iocs.txt'), '203.0.113.78\n');
  symlinkSync('..', join(tree, 'sub', 'up'));
  symlinkSync('self', join(tree, 'self'));
  const r = bounded(['intel', 'import', '--json', tree], 30);
  assertPlain(r.stderr, 'loop');
  const rows = JSON.parse(r.stdout) as { status: string; file: string; error?: string }[];
  assert.deepEqual(
    rows.map((x) => [x.status, x.file.slice(tree.length), x.error?.split(tree).join('')]),
    [
      ['failed', '/self', '/self: symbolic link loop'],
      ['failed', '/sub/up', '/sub/up: symbolic link loop (back to )'],
      ['imported', '/sub/iocs.txt', undefined],
    ],
  );
});

test('control bytes and invalid UTF-8 from a file are escaped in plain and JSON output', () => {
  // A Zeek log line with a NUL, a bidi override, a tab, raw gzip bytes (invalid UTF-8) and a terminal escape.
  const seed = SEEDS.find((s) => s.reader === 'zeek') as Seed;
  const file = join(dir, 'ctl-conn.log');
  const bad = Buffer.concat([Buffer.from('ts\u0000x\u202e\t'), Buffer.from([0x1f, 0x8b, 0xff, 0x1b]), Buffer.from('[2J\n')]);
  writeFileSync(file, Buffer.concat([Buffer.from(seed.text), bad]));
  const r = bounded(['ingest', '--format', 'zeek', '--no-identify', file]);
  assertPlain(r.stdout + r.stderr, 'plain');
  assert.match(r.stdout, /\n {4}ts\\x00x\\u202e\\x09\\x1f\\x8b\\xff\\x1b\[2J\n/, r.stdout);
  // The same escapes in JSON output, and in a failure's one line (other bytes, so that they are imported again).
  writeFileSync(file, Buffer.concat([Buffer.from(seed.text), Buffer.from('# more\n'), bad]));
  const json = bounded(['ingest', '--format', 'zeek', '--no-identify', '--json', file]);
  const rows = JSON.parse(json.stdout) as { counts: { examples: { raw: string }[] } }[];
  assert.equal(rows[0]!.counts.examples[0]!.raw, 'ts\\x00x\\u202e\\x09\\x1f\\x8b\\xff\\x1b[2J');
  writeFileSync(file, Buffer.concat([Buffer.from(seed.text), Buffer.from('# strict\n'), bad]));
  const strict = bounded(['ingest', '--format', 'zeek', '--no-identify', '--strict', file]);
  assert.match(strict.stderr, /^botcensus: \S+ctl-conn\.log:7: field 'id\.orig_h': --strict: 1 line\(s\) rejected; first: line has 2 columns/);
  assertPlain(strict.stderr, 'strict');
});
