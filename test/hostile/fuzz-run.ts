// npm run fuzz -- --minutes N [--seed S] [--out DIR]: the properties of fuzz.test.ts with fresh
// random seeds, round after round over every reader, until the time is up. Each failure is shrunk
// by fast-check to the least mutation that still fails; the minimised input is written to DIR
// (default fuzz-findings/) with how to repeat it, and reported. Exits 1 when anything failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { openTestStore } from '../store.js';
import { tempDir } from '../tmp.js';
import { applyMutations, describeMutations, mutations, type Mutation } from './mutate.js';
import { checkImport, checkReader } from './properties.js';
import { SEEDS, type Seed } from './seeds.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' }, seed: { type: 'string' }, out: { type: 'string', default: 'fuzz-findings' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error(`fuzz: --minutes takes a positive number, not ${JSON.stringify(values.minutes)}`);
  process.exit(2);
}
const deadline = Date.now() + minutes * 60_000;
const outDir = resolve(values.out!);
let nextSeed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

interface Finding {
  property: 'reader' | 'import';
  reader: string;
  seed: number;
  path: string | null;
  mutations: Mutation[];
  bytes: Buffer;
  error: string;
}

const runs: Record<string, { reader: number; import: number }> = Object.fromEntries(SEEDS.map((s) => [s.reader, { reader: 0, import: 0 }]));
const findings: Finding[] = [];
const failing = new Set<string>();
const dir = tempDir('botcensus-fuzz-');
const store = await openTestStore();

async function round(seed: Seed, property: 'reader' | 'import', numRuns: number): Promise<void> {
  const file = join(dir, `${property}-${seed.name}`);
  const check = (ms: Mutation[]) => {
    const bytes = applyMutations(Buffer.from(seed.text), ms);
    return property === 'reader' ? checkReader(seed, file, bytes) : checkImport(store, seed, file, bytes);
  };
  const s = nextSeed++;
  const r = await fc.check(fc.asyncProperty(mutations, check), { numRuns, seed: s });
  runs[seed.reader]![property] += r.numRuns;
  if (!r.failed || !r.counterexample) return;
  const [ms] = r.counterexample;
  const bytes = applyMutations(Buffer.from(seed.text), ms);
  const error = String((r.errorInstance as Error | undefined)?.message ?? r.errorInstance).split('\n').slice(0, 6).join('\n');
  findings.push({ property, reader: seed.reader, seed: s, path: r.counterexamplePath, mutations: ms, bytes, error });
  failing.add(`${property}:${seed.reader}`);
}

const started = Date.now();
let rounds = 0;
while (Date.now() < deadline) {
  for (const seed of SEEDS) {
    if (Date.now() >= deadline) break;
    // A property that failed is not run again: its minimised input is already kept.
    if (!failing.has(`reader:${seed.reader}`)) await round(seed, 'reader', 40);
    if (!failing.has(`import:${seed.reader}`) && Date.now() < deadline) await round(seed, 'import', 3);
  }
  rounds++;
  process.stderr.write(`fuzz: round ${rounds}, ${Math.round((Date.now() - started) / 1000)} s, ${findings.length} finding(s)\n`);
}
await store.close();

const total = Object.values(runs).reduce((a, r) => ({ reader: a.reader + r.reader, import: a.import + r.import }), { reader: 0, import: 0 });
console.log(`fuzz: ${((Date.now() - started) / 60_000).toFixed(1)} minutes, ${rounds} rounds, ${total.reader} reader runs and ${total.import} imports over ${SEEDS.length} readers`);
for (const [reader, r] of Object.entries(runs)) console.log(`  ${reader.padEnd(13)} ${String(r.reader).padStart(6)} reader runs ${String(r.import).padStart(5)} imports`);
if (!findings.length) {
  console.log('fuzz: no property failed; nothing to minimise');
  process.exit(0);
}
mkdirSync(outDir, { recursive: true });
console.log(`fuzz: ${findings.length} finding(s), each minimised by fast-check, written to ${outDir}:`);
for (const f of findings) {
  const name = `${f.property}-${f.reader}-${f.seed}`;
  writeFileSync(join(outDir, `${name}.bin`), f.bytes);
  const repeat = `fast-check seed ${f.seed}, path ${f.path}`;
  writeFileSync(join(outDir, `${name}.txt`), `${f.property} property, reader ${f.reader}\nminimised mutations: ${JSON.stringify(f.mutations)}\n${repeat}\n\n${f.error}\n`);
  console.log(`  ${f.property} ${f.reader}: ${describeMutations(f.mutations)} (${f.bytes.length} bytes) -> ${name}.bin\n    ${f.error.split('\n')[0]}`);
}
process.exit(1);
