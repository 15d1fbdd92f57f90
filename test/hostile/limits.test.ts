// The input limits (core/limits.ts) on every reader, through the functions the CLI and the upload
// call, with a real store: a 50 MB single line, a gzip bomb, JSON too deep or too large, too many
// fields. Each ends with a plain message, and a refused file leaves the store as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BotcensusError } from '../../src/core/errors.js';
import { limits } from '../../src/core/limits.js';
import { openTestStore } from '../store.js';
import { tempDir } from '../tmp.js';
import { importSeedFile, storeSnapshot } from './import-seed.js';
import { SEEDS, type Seed } from './seeds.js';
import { withEnv } from '../env.js';

const dir = tempDir();
const store = await openTestStore();
test.after(() => store.close());

/** JSON documents are read whole: a line inserted into one breaks it, which is its own plain error. */
const documentFormat = (s: Seed) => ['stix', 'misp', 'warninglist', 'kev-json'].includes(s.reader);

/** The readers that get the full 50 MB line (one of each framing: a text list, DuckDB's CSV fast path, JSON lines); the others 3 MiB. */
const FULL_SIZE = new Set(['text', 'nfdump', 'suricata']);

/** The outcome of importing, or the error it was refused with (never anything but a BotcensusError). */
async function attempt(seed: Seed, file: string) {
  try {
    return await importSeedFile(store, seed, file);
  } catch (err) {
    assert.ok(err instanceof BotcensusError, `${seed.reader}: ${(err as Error).stack}`);
    return err;
  }
}

test('a 50 MB single line in every format is rejected with its number, the rest read', { timeout: 300_000 }, async () => {
  for (const seed of SEEDS) {
    const lines = seed.text.split('\n');
    const file = join(dir, `long-${seed.reader}-${seed.name}`);
    const long = Buffer.alloc(FULL_SIZE.has(seed.reader) ? 50 << 20 : 3 << 20, 'A');
    writeFileSync(file, Buffer.concat([Buffer.from(lines[0] + '\n'), long, Buffer.from('\n' + lines.slice(1).join('\n'))]));
    const out = await attempt(seed, file);
    rmSync(file);
    if (documentFormat(seed)) {
      assert.ok(out instanceof BotcensusError, `${seed.reader}: a broken document is refused`);
      assert.ok(out.message.length < 1100, `${seed.reader}: the message is cut (${out.message.length})`);
      continue;
    }
    assert.ok(!(out instanceof BotcensusError), `${seed.reader}: ${(out as Error).message}`);
    if (seed.reader === 'kev-csv') {
      // The KEV catalog is read whole, within BOTCENSUS_MAX_JSON_BYTES: the long record is a rejected entry.
      const kev = out as unknown as { entries: number; rejected: { at: number; reason: string }[] };
      assert.deepEqual([kev.entries > 0, kev.rejected.map((r) => r.at)], [true, [2]]);
      continue;
    }
    const c = out.counts!;
    const long2 = c.examples.find((e) => e.line === 2);
    assert.match(long2?.reason ?? '', new RegExp(`line longer than 1 MiB \\(${long.length} bytes; BOTCENSUS_MAX_LINE_BYTES\\)`), `${seed.reader}: ${JSON.stringify(c.examples)}`);
    assert.ok(long2!.raw.length <= 201, `${seed.reader}: the line is not kept whole`);
    assert.ok(c.records >= 1, `${seed.reader}: reading went on after the long line`);
  }
});

/** `bytes` of `line` repeated, one gzip member, written `members` times: a valid multi-member gzip file. */
function gzipBomb(line: string, members = 128, bytes = 8 << 20): Buffer {
  const member = gzipSync(Buffer.from(line.repeat(Math.ceil(bytes / line.length))), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => member));
}

test('a gzip bomb of 1 GiB in every format is refused with its ratio, and the store is unchanged', { timeout: 300_000 }, async () => {
  await importSeedFile(store, SEEDS[0]!, writeSeed(SEEDS[0]!, 'kept'));
  const before = await storeSnapshot(store);
  for (const seed of SEEDS.filter((s) => s.kind !== 'kev')) {
    const lines = seed.text.trimEnd().split('\n');
    const file = join(dir, `bomb-${seed.reader}-${seed.name}.gz`);
    writeFileSync(file, Buffer.concat([gzipSync(lines.slice(0, -1).join('\n') + '\n'), gzipBomb(lines[lines.length - 1]! + '\n')]));
    const out = await attempt(seed, file);
    rmSync(file);
    assert.ok(out instanceof BotcensusError, `${seed.reader}: the bomb was imported`);
    assert.match(out.message, /^gzip file inflates more than 100 times its compressed size \(\d+:1 after [\d.]+ [KM]iB; BOTCENSUS_MAX_INFLATE_RATIO\): refused/, seed.reader);
  }
  assert.deepEqual(await storeSnapshot(store), before);
});

function writeSeed(seed: Seed, tag: string, text = seed.text): string {
  const file = join(dir, `${tag}-${seed.name}`);
  writeFileSync(file, text);
  return file;
}

test('JSON documents: nesting past BOTCENSUS_MAX_JSON_DEPTH and size past BOTCENSUS_MAX_JSON_BYTES are refused, the line named', async () => {
  const before = await storeSnapshot(store);
  const kevCsv = SEEDS.find((s) => s.reader === 'kev-csv')!;
  const bigCsv = await withEnv({ BOTCENSUS_MAX_JSON_BYTES: '1K' }, () => attempt(kevCsv, writeSeed(kevCsv, 'big', kevCsv.text)));
  assert.match((bigCsv as Error).message, /larger than 1 KiB/, 'the KEV CSV is read whole too');
  for (const seed of SEEDS.filter(documentFormat)) {
    const deep = seed.text.replace(/\{/, '{"x": ' + '['.repeat(100_000) + ']'.repeat(100_000) + ', ');
    const out = await attempt(seed, writeSeed(seed, 'deep', deep));
    assert.ok(out instanceof BotcensusError, seed.reader);
    assert.match(out.message, /JSON nested deeper than 64 levels \(BOTCENSUS_MAX_JSON_DEPTH\)/, seed.reader);
    assert.equal(out.where.line, 1, seed.reader);
    const big = await withEnv({ BOTCENSUS_MAX_JSON_BYTES: '1K' }, () => attempt(seed, writeSeed(seed, 'big', seed.text + ' '.repeat(2048))));
    assert.ok(big instanceof BotcensusError, seed.reader);
    assert.match(big.message, /JSON document larger than 1 KiB \(BOTCENSUS_MAX_JSON_BYTES\)/, seed.reader);
  }
  // Brackets inside strings are text, not nesting.
  const stix = SEEDS.find((s) => s.reader === 'stix')!;
  const out = await attempt(stix, writeSeed(stix, 'brackets', stix.text.replace('"Fixture CERT"', `"${'[{'.repeat(500)}"`)));
  assert.ok(!(out instanceof BotcensusError), (out as Error).message);
  assert.deepEqual(await storeSnapshot(store).then((s) => s.imports! - before.imports!), 1);
});

test('a line with more than BOTCENSUS_MAX_FIELDS fields is rejected with its number in every delimited format', async () => {
  for (const seed of SEEDS.filter((s) => !documentFormat(s) && s.kind !== 'kev' && !s.text.startsWith('{'))) {
    const lines = seed.text.trimEnd().split('\n');
    const wide = Array.from({ length: 5000 }, (_, i) => `f${i}`).join(seed.text.includes('\t') ? '\t' : ',');
    const out = await attempt(seed, writeSeed(seed, 'wide', [...lines.slice(0, -1), wide, lines[lines.length - 1]].join('\n') + '\n'));
    assert.ok(!(out instanceof BotcensusError), `${seed.reader}: ${(out as Error).message}`);
    const ex = out.counts!.examples.find((e) => e.line === lines.length);
    assert.match(ex?.reason ?? '', /more than 4096 fields \(5000; BOTCENSUS_MAX_FIELDS\)/, `${seed.reader}: ${JSON.stringify(out.counts!.examples)}`);
  }
});

test('each limit is a setting: from its environment variable, with K/M/G, a bad value refused plainly', async () => {
  assert.equal(limits({}).maxLineBytes, 1 << 20);
  assert.equal(limits({ BOTCENSUS_MAX_LINE_BYTES: '64k' }).maxLineBytes, 64 << 10);
  assert.equal(limits({ BOTCENSUS_MAX_INFLATE_RATIO: '20' }).maxInflateRatio, 20);
  assert.throws(() => limits({ BOTCENSUS_MAX_FIELDS: 'lots' }), /BOTCENSUS_MAX_FIELDS takes a positive whole number/);
  const seed = SEEDS.find((s) => s.reader === 'text')!;
  const out = await withEnv({ BOTCENSUS_MAX_LINE_BYTES: '40' }, () => attempt(seed, writeSeed(seed, 'short', `203.0.113.44\n${'x'.repeat(41)}\n203.0.113.45\n`)));
  assert.ok(!(out instanceof BotcensusError));
  assert.deepEqual(
    out.counts!.examples.map((e) => [e.line, e.reason]),
    [[2, 'line longer than 40 bytes (41 bytes; BOTCENSUS_MAX_LINE_BYTES): rejected']],
  );
});
