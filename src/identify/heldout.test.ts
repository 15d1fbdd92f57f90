// The share of held-out IoT banners whose vendor the built-in rules name, and that none is named wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRules, recogDb } from './recog/db.js';
import { heldOutBanners, vendorShare } from '../../test/heldout-banners.js';

const examples = new Set(builtinRules().flatMap((f) => f.fingerprints.flatMap((fp) => fp.examples.map((e) => e.text))));

for (const [file, floor] of [['heldout-banners.tsv', 0.95], ['heldout-banners-2.tsv', 0.8]] as const) {
  test(`${file}: held out from the rules' examples, most vendors named, none named wrong`, () => {
    const banners = heldOutBanners(file);
    assert.ok(banners.length >= 50, `${banners.length} banners`);
    assert.deepEqual(banners.filter((b) => examples.has(b.banner)).map((b) => b.banner), []);
    const s = vendorShare(recogDb(), banners);
    assert.deepEqual(s.wrong, []);
    assert.ok(s.named / s.total >= floor, `${s.named}/${s.total} named; missed: ${s.missed.map((m) => m.banner).join(' | ')}`);
  });
}
