// Compiles each src/**/*.wat (WebAssembly text) to dist/src/**/*.wasm with wabt, the WebAssembly
// project's own toolkit. Part of every build: `npm run build`, `npm test`, `npm run bench`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtModule from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wabt = await wabtModule();

function* watFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* watFiles(join(dir, e.name));
    else if (e.name.endsWith('.wat')) yield join(dir, e.name);
  }
}

for (const file of watFiles(join(root, 'src'))) {
  const mod = wabt.parseWat(file, readFileSync(file, 'utf8'));
  mod.validate();
  const out = join(root, 'dist', relative(root, file)).replace(/\.wat$/, '.wasm');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, mod.toBinary({}).buffer);
  mod.destroy();
}
