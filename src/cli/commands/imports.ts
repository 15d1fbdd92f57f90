// botcensus imports: what was imported, when, and what was rejected or skipped; and reading the
// files of prefiltered flow imports again where they lag behind the stored indicators.
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { movePrefilteredImport, rescanPrefilteredFlows } from '../../telemetry/prefilter/flow-rescan.js';
import { fileProgress } from '../progress.js';
import { graceMs, graceOption, toJson, withStore } from '../context.js';
import { reportRescan } from './intel.js';

export function importsCommand(): Command {
  const imports = new Command('imports')
    .description('list imported files with counts of records, rejected lines and skipped sections')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const rows = await store.listImports();
        if (o.json) return void process.stdout.write(toJson(rows));
        for (const r of rows)
          console.log(
            `#${r.id} ${r.importedAt.toISOString()} ${r.kind.padEnd(11)} ${r.format.padEnd(12)} records=${r.records} rejected=${r.rejected}${r.prefiltered === undefined ? '' : ` prefiltered=${r.prefiltered}`}${r.shortRows ? ` short_rows=${r.shortRows}` : ''} skipped=${r.skipped.length} ${r.file}`,
          );
      });
    });
  imports
    .command('rescan')
    .description(
      'read the files of prefiltered flow imports (ingest --prefilter) again for the stored indicators they have not been read for ' +
        '(they were missing or changed at an intel import, or it had --no-rescan), and match the flows found',
    )
    .option('--move <id=path...>', 'the file of import #id is now at path (checked by its SHA-256 first)')
    .addOption(graceOption())
    .option('--json', 'print the result as JSON')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        for (const m of (o.move as string[] | undefined) ?? []) {
          const eq = m.indexOf('=');
          const id = Number(m.slice(0, eq));
          if (eq < 1 || !Number.isInteger(id)) throw new BotcensusError('USAGE', `--move takes <import id>=<path>, not ${JSON.stringify(m)}`);
          await movePrefilteredImport(store, id, m.slice(eq + 1));
        }
        const progress = fileProgress('prefiltered flows, read again for the stored indicators');
        const r = await rescanPrefilteredFlows(store, [], { graceMs: graceMs(o.grace), onProgress: (b) => progress.update(b) });
        progress.done();
        // `imports` has a --json of its own, which commander gives the option to.
        if (o.json || cmd.parent?.opts().json) return void process.stdout.write(toJson(r));
        if (!r.files && !r.skipped.length) console.log('every prefiltered flow file has been read for every stored indicator: nothing to do');
        reportRescan(r, 'the stored indicators');
      });
    });
  return imports;
}
