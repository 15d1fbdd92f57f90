// botcensus demo (npm start): the seeded Raptor-Train-like scenario, end to end.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { renderCensus } from '../../census/render.js';
import { runDemo } from '../../demo/run.js';
import { fraction, positive, wholeNumber } from '../options.js';
import { steps } from '../progress.js';
import { setExitCode, storeLocationOf, storeName, type GlobalOptions } from '../context.js';
import type { StoreLocation } from '../../store/open.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('build a reproducible botnet scenario (documentation ranges for the attacker, real address space for victims) and run the whole pipeline on it')
    .option('--seed <n>', 'random seed', '2024')
    .option('--scale <x>', '1 = the advisory\'s 260,000 devices', '1')
    .option('--coverage <p>', 'chance that a live device is seen on a given day', '0.5')
    .option('--dir <path>', 'where to write the generated files', join(tmpdir(), 'botcensus-demo'))
    .option('--json', 'print the result as JSON')
    .action(async (o, cmd: Command) => {
      const store = demoStore(cmd);
      const db = storeName(store);
      const flag = store.engine === 'duckdb' ? `--db ${db}` : `--store '${db}'`;
      const started = Date.now();
      const r = await runDemo({
        store,
        dir: o.dir,
        seed: wholeNumber(o.seed, '--seed', 0)!,
        scale: positive(o.scale, '--scale'),
        coverage: fraction(o.coverage, '--coverage'),
        log: (l) => process.stderr.write(l + '\n'),
        step: steps(5),
      });
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      const t = r.truth;
      const h = r.active.headline;
      const out = [
        '',
        renderCensus(r.active, 'table'),
        `Ground truth: ${t.active.toLocaleString('en-US')} devices in the botnet on the last day; ${t.everDevices.toLocaleString('en-US')} devices seen over 30 days, using ${t.everAddresses.toLocaleString('en-US')} addresses.`,
        `Sensor coverage ${(Number(o.coverage) * 100).toFixed(0)}% a day: active ${h.active.toLocaleString('en-US')} of ${t.active.toLocaleString('en-US')} live devices were seen in the last 24 hours.`,
        `Churn: the 7-day window counts ${h.window.toLocaleString('en-US')} (${h.windowInflation?.toFixed(2)}× active) and cumulative ${h.cumulative.toLocaleString('en-US')} (${h.cumulativeInflation?.toFixed(2)}× active) addresses;`,
        `  ${t.everAddresses.toLocaleString('en-US')} addresses stand for ${t.everDevices.toLocaleString('en-US')} devices (${(t.everAddresses / t.everDevices).toFixed(2)} addresses per device): count active, not cumulative.`,
        '',
        'Active shares against the truth (percentage points):',
        ...r.comparison.slice(0, 11).map((c) => `  ${c.cc}  true ${c.trueShare.toFixed(2)}%  measured ${c.measuredShare.toFixed(2)}%  diff ${c.diffPp >= 0 ? '+' : ''}${c.diffPp.toFixed(2)}`),
        `Largest difference over ${r.comparison.length} countries: ${r.maxDiffPp.toFixed(2)} pp (${r.maxDiffPp <= 0.5 ? 'within' : 'OUTSIDE'} 0.5 pp)`,
        `Store: ${db}; generated files: ${o.dir}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
        `Try: botcensus ${flag} census --by asn   |   botcensus ${flag} lookup <ip>   |   botcensus ${flag} victims --country DE`,
      ];
      process.stdout.write(out.join('\n') + '\n');
      if (r.maxDiffPp > 0.5) setExitCode(1);
    });
}

/**
 * Where the demo builds its store: the store named (--store, --db, $BOTCENSUS_STORE, $BOTCENSUS_DB),
 * else ./botcensus-demo.duckdb, so that the demo never writes over ./botcensus.duckdb unasked.
 */
function demoStore(cmd: Command): StoreLocation {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  const named = g.store !== undefined || g.db !== undefined || process.env.BOTCENSUS_STORE || process.env.BOTCENSUS_DB;
  return named ? storeLocationOf(cmd) : { engine: 'duckdb', path: './botcensus-demo.duckdb' };
}
