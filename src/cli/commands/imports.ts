// botcensus imports: what was imported, when, and what was rejected or skipped; and reading the
// files of prefiltered flow imports again where they lag behind the stored indicators.
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import type { ImportRow } from '../../store/store.js';
import { movePrefilteredImport, rescanPrefilteredFlows } from '../../telemetry/prefilter/flow-rescan.js';
import { fileProgress } from '../progress.js';
import { graceMs, graceOption, toJson, withStore, withWritingStore } from '../context.js';
import { reportRescan } from './intel.js';

/** Every key of an import row, in this order: --json gives each on every record, null when unknown. */
const IMPORT_KEYS: (keyof ImportRow)[] = [
  'id', 'kind', 'format', 'file', 'sha256', 'source', 'sensor', 'importedAt', 'lines', 'records', 'framing', 'rejected', 'duplicates',
  'prefiltered', 'minTs', 'maxTs', 'examples', 'skipped',
];

export function importRecord(r: ImportRow): Record<string, unknown> {
  return Object.fromEntries(IMPORT_KEYS.map((k) => [k, r[k] ?? null]));
}

export function importsCommand(): Command {
  const imports = new Command('imports')
    .description('list imported files with counts of records, rejected lines and skipped sections')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const rows = await store.listImports();
        if (o.json) return void process.stdout.write(toJson(rows.map(importRecord)));
        const n = (x: number) => x.toLocaleString('en-US');
        for (const r of rows)
          console.log(
            `#${r.id} ${r.importedAt.toISOString()} ${r.kind.padEnd(11)} ${r.format.padEnd(12)} records=${n(r.records)} rejected=${n(r.rejected)}${r.prefiltered === undefined ? '' : ` prefiltered=${n(r.prefiltered)}`}${r.shortRows ? ` short_rows=${n(r.shortRows)}` : ''} skipped=${n(r.skipped.length)} ${r.file}`,
          );
        if (!rows.length) console.error('no imports yet: botcensus intel import FILE, botcensus ingest FILE');
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
      await withWritingStore(cmd, async (store) => {
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
