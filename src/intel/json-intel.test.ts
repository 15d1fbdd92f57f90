// STIX and MISP files read as a stream give what the whole documents give; a document broken
// part-way is refused naming its file and place, and its import leaves the store as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BotcensusError } from '../core/errors.js';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { importIntelFile } from './import.js';
import { readJsonIntel } from './json-intel.js';
import { parseMispJson } from './misp.js';
import { parseStixBundle } from './stix.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url)), 'utf8');
const dir = tempDir();
const write = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

test('the fixtures streamed, plain and gzipped, give what the whole documents give', async () => {
  for (const [name, whole] of [
    ['bundle.stix.json', parseStixBundle],
    ['event.misp.json', parseMispJson],
  ] as const) {
    const text = fixture(name);
    const expected = whole(JSON.parse(text));
    for (const file of [write(name, text), write(`${name}.gz`, gzipSync(text))]) {
      const { format, ...got } = await readJsonIntel(file, 'auto');
      assert.equal(format, name.startsWith('bundle') ? 'stix' : 'misp');
      assert.deepEqual(got, expected, file);
    }
  }
});

test('every MISP shape streamed gives the events parseMispJson finds', async () => {
  const ev = (value: string, tag: string) => ({ Attribute: [{ type: 'ip-dst', value, to_ids: true }], Tag: [{ name: tag }] });
  const shapes: unknown[] = [
    { Event: ev('192.0.2.1', 'a') },
    [{ Event: ev('192.0.2.1', 'a') }, { Event: ev('192.0.2.2', 'b') }],
    { response: [{ Event: ev('192.0.2.1', 'a') }, { Event: ev('192.0.2.2', 'b') }] },
    { response: { Attribute: [{ type: 'domain', value: 'c2.example' }] } },
    ev('192.0.2.3', 'bare'),
    [ev('192.0.2.4', 'x'), 'not an event'],
  ];
  for (const shape of shapes) {
    const got = await readJsonIntel(write('shape.json', JSON.stringify(shape)), 'misp');
    assert.deepEqual({ ...got, format: undefined }, { ...parseMispJson(shape), format: undefined }, JSON.stringify(shape));
  }
  for (const bad of [{ Event: { nothing: 1 } }, { response: [1, 2] }, ['x']])
    await assert.rejects(readJsonIntel(write('bad.json', JSON.stringify(bad)), 'misp'), /not a MISP event/, JSON.stringify(bad));
  await assert.rejects(readJsonIntel(write('misp-as-stix.json', JSON.stringify(shapes[0])), 'stix'), /not a STIX bundle: no "objects" array/);
});

test('a bundle broken part-way is refused with its file, line and column, and nothing of it is stored', async () => {
  const store = await openTestStore();
  try {
    const good = JSON.parse(fixture('bundle.stix.json')) as { objects: unknown[] };
    const lines = JSON.stringify({ ...good, objects: [...good.objects, ...good.objects] }, null, 1).split('\n');
    // A comma lost near the end, after many indicators were read.
    const at = lines.length - 5;
    lines[at] = lines[at]!.replace(/,$/, '');
    const broken = write('broken.stix.json', lines.join('\n'));
    const before = await store.listImports();
    const err = await importIntelFile(store, broken, { match: { graceMs: 0 } }).catch((e: unknown) => e);
    assert.ok(err instanceof BotcensusError, String(err));
    assert.equal(err.where.file, broken);
    assert.equal(err.where.line, at + 2);
    assert.match(err.message, new RegExp(`^not valid JSON at line ${at + 2}, column \\d+ \\(byte \\d+\\): unexpected "`));
    assert.deepEqual(await store.listImports(), before);
    assert.equal((await store.db.one<{ n: bigint }>('SELECT count(*) AS n FROM indicators'))!.n, 0n);
    // The same bundle whole, gzipped, is imported.
    const ok = await importIntelFile(store, write('good.stix.json.gz', gzipSync(JSON.stringify(good))), { match: { graceMs: 0 } });
    assert.equal(ok.status === 'imported' && ok.indicators, 5);
  } finally {
    await store.close();
  }
});
