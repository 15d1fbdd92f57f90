// botcensus intel import|list|export: indicator files and warninglists.
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { displayIndicator } from '../../core/domain-display.js';
import { importIntelFiles, type IntelImportResult } from '../../intel/import.js';
import type { RescanReport } from '../../telemetry/prefilter/flow-rescan.js';
import { fileProgress } from '../progress.js';
import { exportIndicators } from '../../intel/export.js';
import { graceMs, graceOption, setExitCode, toJson, withImportStore, withStore } from '../context.js';
import { outputFile, wholeNumber } from '../options.js';
import { expandPaths } from './ingest.js';
import { fileFailed, reportRejected, type FailedFile } from './report-rejected.js';
import { listIndicators } from '../../intel/indicators-sql.js';

const FORMATS = ['auto', 'text', 'csv', 'stix', 'misp', 'zeek-intel', 'warninglist'] as const;

export function intelCommand(): Command {
  const intel = new Command('intel').description('indicator lists (text/TSV/CSV, STIX 2.1, MISP, Zeek Intel) and MISP warninglists');
  intel
    .command('import')
    .description('import indicator files or warninglists; indicators match stored telemetry at once')
    .argument('<files...>')
    .option('--source <name>', 'who published the file (default: the file name)')
    .option('--family <name>', 'botnet or malware family the indicators point at (default: the source)')
    .addOption(new Option('--format <name>', 'input format').choices([...FORMATS]).default('auto'))
    .option('--strict', 'fail a file when any of its lines is rejected')
    .option('--tz <offset>', 'UTC offset of times written without a zone')
    .addOption(graceOption())
    .option('--no-rescan', 'do not read the files of prefiltered flow imports again for flows near the new indicators')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], o, cmd: Command) => {
      const results: (IntelImportResult | FailedFile)[] = [];
      const paths = expandPaths(files, results as FailedFile[], o.json);
      await withImportStore(cmd, async (store) => {
        // The prefiltered flow files are read again once, for the indicators of every file given.
        const progress = fileProgress('prefiltered flows, read again for the new indicators');
        const opts = {
          format: o.format,
          source: o.source,
          family: o.family,
          strict: o.strict,
          tz: o.tz,
          match: { graceMs: graceMs(o.grace) },
          rescan: o.rescan as boolean,
          onProgress: (b: number) => progress.update(b),
        };
        await importIntelFiles(store, paths, opts, (file, r) => {
          progress.done();
          if (r instanceof Error) {
            results.push(fileFailed(file, r, o.json));
            return;
          }
          results.push(r);
          if (o.json) return;
          if (r.status === 'duplicate') {
            console.log(`${file}: already imported (import #${r.previous.id}); nothing changed`);
            return;
          }
          const n = (x: number) => x.toLocaleString('en-US');
          const what = r.format === 'warninglist' ? `${n(r.warnings)} warninglist entries` : `${n(r.indicators)} indicators`;
          const dup = r.counts.duplicates ? `, ${n(r.counts.duplicates)} duplicates merged` : '';
          console.log(`${file}: ${r.format}, ${what}${dup}, ${n(r.counts.rejected)} rejected, ${n(r.sightings)} new sightings${r.retracted ? `, ${n(r.retracted)} withdrawn` : ''}`);
          for (const s of r.counts.skipped ?? []) console.log(`  skipped lines ${s.fromLine}-${s.toLine}: ${s.reason}: ${JSON.stringify(s.sample.slice(0, 60))}`);
          reportRejected(r.counts);
          reportRescan(r.rescan);
        });
      });
      if (o.json) process.stdout.write(toJson(results));
      if (results.some((r) => r.status === 'failed')) setExitCode(1);
    });
  intel
    .command('list')
    .description('list indicators with their window, warninglist flags and victim counts')
    .option('--type <type>', 'ip, cidr, ip-port, domain, url, cert-sha256, cert-sha1, file-sha256, file-sha1, file-md5')
    .option('--source <name>')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      const limit = wholeNumber(o.limit, '--limit');
      await withStore(cmd, async (store) => {
        const rows = await listIndicators(store.driver, { type: o.type, source: o.source, limit });
        if (o.json) return void process.stdout.write(toJson(rows));
        for (const r of rows) {
          const win = r.firstSeen || r.lastSeen ? ` [${r.firstSeen?.toISOString().slice(0, 10) ?? '…'}..${r.lastSeen?.toISOString().slice(0, 10) ?? '…'}]` : '';
          const written = r.timeframe ? ` timeframe=${JSON.stringify(r.timeframe)}` : '';
          const warn = r.warnings.length ? ` WARNINGLIST: ${r.warnings.join('; ')}` : '';
          console.log(`${r.type.padEnd(11)} ${displayIndicator(r.type, r.value).padEnd(40)} ${r.source}${win}${written} victims=${r.victims}${r.tags.length ? ' tags=' + r.tags.join(',') : ''}${warn}`);
        }
        console.error(`${rows.length} indicators`);
      });
    });
  intel
    .command('export')
    .description('export indicators for other tools')
    .addOption(new Option('--format <name>').choices(['zeek-intel', 'csv', 'stix', 'misp']).makeOptionMandatory())
    .option('--source <name>', 'only this source')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o, cmd: Command) => {
      if (o.out) outputFile(o.out);
      await withStore(cmd, async (store) => {
        const rows = await listIndicators(store.driver, { source: o.source });
        const text = exportIndicators(rows, o.format);
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
      });
    });
  return intel;
}

/** What reading the prefiltered flow files again found, and which files it could not read. */
export function reportRescan(r: RescanReport | undefined, indicators = 'the new indicators'): void {
  if (!r || (!r.files && !r.skipped.length)) return;
  if (r.files) console.log(`  ${r.files} prefiltered flow file(s) read again: ${r.flows} flows near ${indicators} stored (${(r.ms / 1000).toFixed(1)} s)`);
  if (r.skipped.length) {
    console.log(`  ${r.skipped.length} prefiltered import(s) not read again: ${indicators} were not matched against the flows they dropped`);
    for (const s of r.skipped.slice(0, 5)) console.log(`    #${s.importId} ${s.file}: ${s.reason}`);
    if (r.skipped.length > 5) console.log(`    ... and ${r.skipped.length - 5} more (--json lists all)`);
    console.log(`  once a file is back (or: botcensus imports rescan --move <id>=<new path>), botcensus imports rescan, or the next intel import, reads it for them`);
  }
}
