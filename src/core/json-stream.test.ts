// The streamed JSON reader: items handed over one at a time with the envelope left, byte by byte
// as well as whole, positions named in every refusal, limits on each item and on the envelope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../../test/tmp.js';
import { BotcensusError } from './errors.js';
import { JsonSplitter, streamJsonItems, type ItemRule, type JsonItem } from './json-stream.js';

const rule: ItemRule = (key, opens) => (key === undefined || (key === 'objects' && opens === 'array') ? 'elements' : key === 'Event' ? 'value' : undefined);
const lim = { maxJsonBytes: 1 << 20, maxJsonDepth: 64 };

/** Splits `text` fed in pieces of `step` bytes: the items and the envelope. */
function split(text: string, step = Infinity, l = lim): { items: JsonItem[]; envelope: unknown } {
  const items: JsonItem[] = [];
  const s = new JsonSplitter('doc.json', rule, (i) => items.push(i), l);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += Math.min(step, bytes.length)) s.write(bytes.subarray(at, at + step));
  return { items, envelope: s.end().envelope };
}

function refusal(text: string, step = Infinity, l = lim): BotcensusError {
  try {
    split(text, step, l);
  } catch (err) {
    assert.ok(err instanceof BotcensusError, String(err));
    return err;
  }
  assert.fail(`accepted: ${text}`);
}

test('items come out one by one in order, and the envelope keeps everything else, whatever the reads', () => {
  const doc = '\uFEFF{"type": "bundle", "objects": [{"id": 1, "p": ["a", {"b": "}]"}]}, 7, "s", [], {"id": 2}], "Event": {"Attribute": [1]}, "x": {"objects": [3]}}\n';
  const whole = split(doc);
  assert.deepEqual(whole.items, [
    { under: 'objects', index: 0, value: { id: 1, p: ['a', { b: '}]' }] } },
    { under: 'objects', index: 1, value: 7 },
    { under: 'objects', index: 2, value: 's' },
    { under: 'objects', index: 3, value: [] },
    { under: 'objects', index: 4, value: { id: 2 } },
    { under: 'Event', index: 0, value: { Attribute: [1] } },
  ]);
  assert.deepEqual(whole.envelope, { type: 'bundle', objects: [], Event: {}, x: { objects: [3] } });
  for (const step of [1, 2, 7]) assert.deepEqual(split(doc, step), whole, `reads of ${step} bytes`);
  assert.deepEqual(split('[{"Event": {}}, {"a": 1}]'), { items: [{ under: '', index: 0, value: { Event: {} } }, { under: '', index: 1, value: { a: 1 } }], envelope: [] });
  assert.deepEqual(split('{"objects": []}'), { items: [], envelope: { objects: [] } });
  assert.deepEqual(split('"text"'), { items: [], envelope: 'text' });
});

test('broken JSON is refused naming the line, column and byte, in an item, between items or outside them', () => {
  const cases: [string, RegExp, number][] = [
    ['{"objects": [\n  {"id": 1},\n  {"id": 2,}\n]}', /^not valid JSON at line 3, column 12 \(byte 38\): unexpected "}"$/, 3],
    ['{"objects": [\n  {"id": 1}\n  {"id": 2}\n]}', /^not valid JSON at line 3, column 3 \(byte 28\): unexpected "{"$/, 3],
    ['{"objects": [{"id": 1},\n]}', /^not valid JSON at line 2, column 1 \(byte 24\): unexpected "]"$/, 2],
    ['{"objects": [{"id": 1}]\n "type": 1}', /^not valid JSON at line 2, column 2 \(byte 25\): unexpected "type"$/, 2],
    ['{"objects": [{"id": tru}]}', /^not valid JSON at line 1, column 24 \(byte 23\): unexpected "}"$/, 1],
    ['{"objects": [{"id": 1}]}\n{}', /^not valid JSON at line 2, column 1 \(byte 25\): unexpected "{"$/, 2],
    ['{"objects": [{"id": 1}', /^not valid JSON at line 1, column 23 \(byte 22\): the file ends before the document does$/, 1],
    ['', /^not valid JSON at line 1, column 1 \(byte 0\): the file is empty$/, 1],
  ];
  for (const [text, message, line] of cases) {
    const err = refusal(text);
    assert.match(err.message, message, JSON.stringify(text));
    assert.deepEqual(err.where, { file: 'doc.json', line });
    // In small reads the same place is named, by its byte alone where its token began in an earlier read.
    const byte = /byte (\d+)/.exec(message.source)![1];
    const reason = message.source.slice(message.source.lastIndexOf(': ') + 2);
    assert.match(refusal(text, 3).message, new RegExp(`^not valid JSON at (line ${line}, column \\d+ \\(byte ${byte}\\)|byte ${byte}): ${reason}`), `${JSON.stringify(text)} in reads of 3`);
  }
});

test('nesting past the depth limit and an item or an envelope past the size limit are refused, the line named', () => {
  const deep = refusal('{"objects": [\n{"a": ' + '['.repeat(100) + ']'.repeat(100) + '}]}', 16);
  assert.match(deep.message, /^JSON nested deeper than 64 levels \(BOTCENSUS_MAX_JSON_DEPTH\): refused$/);
  assert.equal(deep.where.line, 2);
  const small = { maxJsonBytes: 64, maxJsonDepth: 64 };
  // Many small items pass however long the document is; one large item does not.
  assert.equal(split(`{"objects": [${Array.from({ length: 100 }, (_, i) => `{"id": ${i}}`).join(',')}]}`, 10, small).items.length, 100);
  const big = refusal(`{"objects": [{"id": 1},\n{"id": "${'x'.repeat(100)}"}]}`, 10, small);
  assert.match(big.message, /^JSON document larger than 64 bytes \(BOTCENSUS_MAX_JSON_BYTES\) in its object at line 2, which is held whole: refused$/);
  const envelope = refusal(`{"objects": [], "name": "${'x'.repeat(100)}"}`, 10, small);
  assert.match(envelope.message, /^JSON document larger than 64 bytes \(BOTCENSUS_MAX_JSON_BYTES\) besides the objects read one at a time: refused$/);
});

test('a file is streamed plain or gzipped; a gzip bomb behind broken JSON is named as a bomb', async () => {
  const dir = tempDir();
  const doc = JSON.stringify({ type: 'bundle', objects: Array.from({ length: 1000 }, (_, i) => ({ id: i })) });
  for (const [name, data] of [['b.json', doc], ['b.json.gz', gzipSync(doc)]] as const) {
    const f = join(dir, name);
    writeFileSync(f, data);
    const items: JsonItem[] = [];
    const sum = await streamJsonItems(f, rule, (i) => items.push(i));
    assert.deepEqual([items.length, items[999]!.value, sum.envelope, sum.bytes], [1000, { id: 999 }, { type: 'bundle', objects: [] }, doc.length]);
  }
  const bomb = join(dir, 'bomb.json.gz');
  writeFileSync(bomb, Buffer.concat([gzipSync('{"objects": [}'), gzipSync('}'.repeat(8 << 20), { level: 9 })]));
  await assert.rejects(streamJsonItems(bomb, rule, () => undefined), { message: /^gzip file inflates more than 100 times its compressed size/ });
});
