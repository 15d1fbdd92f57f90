// botcensus export: victims or sightings to Parquet, CSV or JSON lines, written by DuckDB.
import { Command, Option } from 'commander';
import { readConstituency } from '../../census/constituency.js';
import type { ExportFormat, ExportWhat } from '../../store/store.js';
import { timeOpt, withStore } from '../context.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('write victims (one row per address, with enrichment and evidence summary) or sightings (the evidence rows) to a file')
    .addOption(new Option('--what <what>').choices(['victims', 'sightings']).default('victims'))
    .addOption(new Option('--format <format>', 'default: from the file name').choices(['parquet', 'csv', 'json']))
    .requiredOption('--out <file>', 'where to write')
    .option('--since <time>')
    .option('--until <time>')
    .option('--country <cc>', 'victims only')
    .option('--asn <n>', 'victims only')
    .option('--constituency <file>', 'victims only')
    .action(async (o, cmd: Command) => {
      const ext = /\.(parquet|csv|json|jsonl|ndjson)$/i.exec(o.out)?.[1]?.toLowerCase();
      const format = (o.format ?? (ext === 'jsonl' || ext === 'ndjson' ? 'json' : ext) ?? 'parquet') as ExportFormat;
      await withStore(cmd, async (store) => {
        const n = await store.exportData(o.what as ExportWhat, format, o.out, {
          from: timeOpt(o.since, '--since'),
          to: timeOpt(o.until, '--until'),
          country: o.country,
          asn: o.asn === undefined ? undefined : Number(String(o.asn).replace(/^AS/i, '')),
          constituency: o.constituency ? readConstituency(o.constituency) : undefined,
        });
        console.error(`wrote ${n} ${o.what} to ${o.out} (${format})`);
      });
    });
}
