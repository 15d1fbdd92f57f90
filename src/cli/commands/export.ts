// botcensus export: victims or sightings to Parquet, CSV or JSON lines (src/report/export.ts).
import { Command, Option } from 'commander';
import { SPAN_HELP } from '../../core/span.js';
import { exportData, type ExportFormat, type ExportWhat } from '../../report/export.js';
import { withStore } from '../context.js';
import { working } from '../progress.js';
import { asn, checkAbsoluteRange, country, isRelative, outputFile, timeRange, timeSpec } from '../options.js';
import { latestSighting } from '../../census/victim-counts.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('write victims (one row per address, with enrichment and evidence summary) or sightings (the evidence rows) to a file')
    .addOption(new Option('--what <what>').choices(['victims', 'sightings']).default('victims'))
    .addOption(new Option('--format <format>', 'default: from the file name').choices(['parquet', 'csv', 'json']))
    .requiredOption('--out <file>', 'where to write')
    .option('--since <time>', SPAN_HELP)
    .option('--until <time>')
    .option('--country <cc>', 'victims only: ISO code (DE) or English name')
    .option('--asn <n>', 'victims only')
    .option('--constituency <file>', 'victims only')
    .action(async (o, cmd: Command) => {
      const ext = /\.(parquet|csv|json|jsonl|ndjson)$/i.exec(o.out)?.[1]?.toLowerCase();
      const format = (o.format ?? (ext === 'jsonl' || ext === 'ndjson' ? 'json' : ext) ?? 'parquet') as ExportFormat;
      const [since, until] = [timeSpec(o.since, '--since'), timeSpec(o.until, '--until')];
      checkAbsoluteRange(since, until);
      const filter = { country: country(o.country), asn: asn(o.asn) };
      outputFile(o.out);
      const { readConstituency } = await import('../../census/constituency.js');
      const constituency = o.constituency ? readConstituency(o.constituency) : undefined;
      await withStore(cmd, async (store) => {
        const range = timeRange(since, until, isRelative(since, until) ? await latestSighting(store.driver) : undefined);
        const n = await working(`writing ${o.out}`, () => exportData(store, o.what as ExportWhat, format, o.out, { ...filter, from: range.since, to: range.until, constituency }));
        console.error(`wrote ${n.toLocaleString('en-US')} ${o.what} to ${o.out} (${format})`);
      });
    });
}
