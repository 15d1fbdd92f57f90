// Recog's own database (../shared/data/fingerprints/recog), installed as `fingerprints update FROM_DIR`
// installs it, on the held-out IoT banners: what it adds to the built-in rules, and that it names
// no vendor wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { haveShared, shared } from '../../test/shared.js';
import { tempDir } from '../../test/tmp.js';
import { heldOutBanners, vendorShare } from '../../test/heldout-banners.js';
import { recogDb, RecogDb } from './recog/db.js';
import { installRecogFrom } from './recog/install.js';
import { loadRecogDir } from './recog/load.js';

const skip = !haveShared;

test('held-out banners: built-in rules, Recog alone, and both', { skip }, (t) => {
  const dir = join(tempDir(), 'recog');
  const source = installRecogFrom(shared('fingerprints/recog'), dir);
  assert.deepEqual(source.licenceFiles.sort(), ['COPYING', 'LICENSE']);
  for (const file of ['heldout-banners.tsv', 'heldout-banners-2.tsv']) {
    const banners = heldOutBanners(file);
    const builtin = vendorShare(recogDb(), banners);
    const alone = vendorShare(new RecogDb(loadRecogDir(dir)), banners);
    const both = vendorShare(recogDb([dir]), banners);
    const pct = (s: { named: number; total: number }) => `${s.named}/${s.total} (${((100 * s.named) / s.total).toFixed(1)}%)`;
    t.diagnostic(`${file}: built-in ${pct(builtin)}, Recog alone ${pct(alone)}, both ${pct(both)}`);
    assert.deepEqual([...alone.wrong, ...both.wrong], []);
    assert.ok(alone.named > 0);
    assert.ok(both.named >= builtin.named);
  }
});
