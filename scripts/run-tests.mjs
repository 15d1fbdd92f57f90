// Runs node's test runner over the compiled tests: `unit` (*.test.js, not *.real.test.js) or
// `real` (*.real.test.js, which read ../shared/data). Node 20's runner takes no globs, so we list.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suite = process.argv[2] ?? 'unit';
const filter = process.argv[3];
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) {
      const real = name.endsWith('.real.test.js');
      if ((suite === 'real') === real && (!filter || p.includes(filter))) files.push(p);
    }
  }
})('dist');
files.sort();
if (files.length === 0) {
  console.error(`no ${suite} tests found under dist/`);
  process.exit(1);
}
// A test that hangs fails by name after ten minutes instead of holding the whole run.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
