// Property-based tests over every reader, seeded from small samples of each format (seeds.ts) and
// mutated (mutate.ts): no crash, no hang, every line accounted for, input quoted printably, and
// through a real store: a refused file changes nothing, re-importing changes nothing. The runs
// are few and the seed fixed, so that CI spends about a minute here and a failure repeats;
// `npm run fuzz -- --minutes N` runs the same properties with fresh seeds for longer.
import { test } from 'node:test';
import { join } from 'node:path';
import fc from 'fast-check';
import { openTestStore } from '../store.js';
import { tempDir } from '../tmp.js';
import { mutations, applyMutations } from './mutate.js';
import { checkImport, checkReader } from './properties.js';
import { SEEDS } from './seeds.js';

const SEED = Number(process.env.BOTCENSUS_FUZZ_SEED ?? 20241206);
const READER_RUNS = Number(process.env.BOTCENSUS_FUZZ_RUNS ?? 30);
const IMPORT_RUNS = Math.max(1, Math.round(READER_RUNS / 8));
const dir = tempDir();

for (const seed of SEEDS) {
  test(`${seed.reader}: any mutation ends in records or one plain error, every line accounted for`, { timeout: 120_000 }, async () => {
    const file = join(dir, `reader-${seed.name}`);
    await fc.assert(
      fc.asyncProperty(mutations, (ms) => checkReader(seed, file, applyMutations(Buffer.from(seed.text), ms))),
      { numRuns: READER_RUNS, seed: SEED, endOnFailure: false },
    );
  });
}

test('imports of mutated files: a refused file leaves the store unchanged, an imported one imports once', { timeout: 300_000 }, async () => {
  const store = await openTestStore();
  try {
    for (const seed of SEEDS) {
      const file = join(dir, `import-${seed.name}`);
      await fc.assert(
        fc.asyncProperty(mutations, (ms) => checkImport(store, seed, file, applyMutations(Buffer.from(seed.text), ms))),
        { numRuns: IMPORT_RUNS, seed: SEED },
      );
    }
  } finally {
    await store.close();
  }
});
