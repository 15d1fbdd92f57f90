// botcensus imports: what was imported, when, and what was rejected or skipped.
import { Command } from 'commander';
import { outputFormat, toJson, withStore } from '../context.js';

export function importsCommand(): Command {
  return new Command('imports')
    .description('list imported files with counts of records, rejected lines and skipped sections')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const rows = await store.listImports();
        if (o.json) return void process.stdout.write(toJson(rows));
        for (const r of rows)
          console.log(
            `#${r.id} ${r.importedAt.toISOString()} ${r.kind.padEnd(11)} ${r.format.padEnd(12)} records=${r.records} rejected=${r.rejected}${r.prefiltered === undefined ? '' : ` prefiltered=${r.prefiltered}`} skipped=${r.skipped.length} ${r.file}`,
          );
      });
    });
}
