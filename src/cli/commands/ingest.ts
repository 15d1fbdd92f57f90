// botcensus ingest FILE|DIR...: telemetry in, each file one transaction, matched on arrival.
import { Command, Option } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { walkInputs } from '../../core/input-files.js';
import { ingestFile, type IngestResult } from '../../telemetry/ingest.js';
import { INGEST_FORMAT_NAMES } from '../../telemetry/formats.js';
import { runIdentification } from '../../identify/run.js';
import { describeRun } from './identify.js';
import { graceMs, graceOption, setExitCode, toJson, withImportStore } from '../context.js';
import { batchProgress, duration, fileProgress } from '../progress.js';
import { fileFailed, reportRejected, type FailedFile } from './report-rejected.js';
import { enrichVictims } from '../../enrich/enrich.js';
import { victimCount } from '../../census/victim-counts.js';
import { listIndicators } from '../../intel/indicators-sql.js';

/**
 * Files named on the command line, directories walked (core/input-files.ts); the paths not read
 * (not regular files, link loops, unreadable) each become a failed row, named on stderr.
 */
export function expandPaths(paths: string[], failed: FailedFile[], json: boolean): string[] {
  const { files, skipped } = walkInputs(paths);
  for (const s of skipped) failed.push(fileFailed(s.path, new BotcensusError('UNREADABLE', s.reason, { file: s.path }), json));
  return files;
}

/** The closing line of a many-file ingest: records, rejected lines, new sightings and victims, files skipped or failed. */
export function totals(results: (IngestResult | FailedFile)[], newVictims: number, ms: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  let records = 0;
  let rejected = 0;
  let sightings = 0;
  for (const r of results)
    if (r.status === 'imported') {
      records += r.counts.records;
      rejected += r.counts.rejected;
      sightings += r.sightings;
    }
  const dup = results.filter((r) => r.status === 'duplicate').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  return (
    `${n(results.length)} files in ${duration(ms)}: ${n(records)} records, ${n(rejected)} rejected lines, ${n(sightings)} new sightings, ${n(newVictims)} new victims` +
    `${dup ? `; ${n(dup)} already imported` : ''}${failed ? `; ${n(failed)} failed` : ''}`
  );
}

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('import telemetry: flows (nfdump CSV, GoFlow2, Argus), Zeek and Suricata logs, Shadowserver reports, zgrab2/Shodan/Censys scans; gzip accepted, directories walked')
    .argument('<paths...>', 'files or directories')
    .addOption(new Option('--format <name>', 'input format').choices(['auto', ...INGEST_FORMAT_NAMES]).default('auto'))
    .option('--sensor <name>', 'name of the sensor or feed the data comes from')
    .option('--strict', 'fail a file when any of its lines is rejected')
    .option('--tz <offset>', 'UTC offset of times written without a zone, e.g. +02:00')
    .option(
      '--prefilter',
      'store only the flows with an address near an address indicator (in an IPv4 /24 or IPv6 /48 it overlaps, or inside a wider indicator); the others are checked and counted but not stored. Indicators imported later have the file read again where it was, for the flows near them. For feeds too large to keep whole',
    )
    .addOption(graceOption())
    .option('--no-identify', 'do not re-run device identification after files that brought scan or device data')
    .option('--json', 'print the results as JSON')
    .action(async (paths: string[], o, cmd: Command) => {
      const results: (IngestResult | FailedFile)[] = [];
      const files = expandPaths(paths, results as FailedFile[], o.json);
      const started = Date.now();
      const batch = files.length > 1 ? batchProgress('ingest', files) : undefined;
      await withImportStore(cmd, async (store) => {
        if (!o.json && (await listIndicators(store.driver, { limit: 1 })).length === 0)
          console.error('botcensus: the store has no indicators yet: the telemetry is kept and matched when `botcensus intel import` brings them');
        const victimsBefore = await victimCount(store.driver);
        for (const [index, file] of files.entries()) {
          const progress = batch ? batch.file(index) : fileProgress(`ingest ${file}`, file);
          try {
            const r = await ingestFile(store, file, {
              format: o.format,
              sensor: o.sensor,
              strict: o.strict,
              tz: o.tz,
              prefilter: o.prefilter,
              match: { graceMs: graceMs(o.grace), deferEnrich: true },
              onProgress: (b) => progress.update(b),
            });
            progress.done();
            results.push(r);
            if (o.json) continue;
            if (r.status === 'duplicate') console.log(`${file}: already imported (import #${r.previous.id}, same content as ${r.previous.file}); nothing changed`);
            else {
              const n = (x: number) => x.toLocaleString('en-US');
              const services = r.services ? `, ${n(r.services)} services for identification` : '';
              const dropped = r.counts.prefiltered !== undefined ? `, ${n(r.counts.prefiltered)} far from every indicator and not stored` : '';
              console.log(`${file}: ${r.format}, ${n(r.counts.records)} records from ${n(r.counts.lines)} lines, ${n(r.counts.rejected)} rejected${r.counts.shortRows ? `, ${n(r.counts.shortRows)} short rows (last columns missing, read as empty)` : ''}${dropped}, ${n(r.sightings)} new sightings${services}`);
              reportRejected(r.counts);
            }
          } catch (err) {
            progress.done();
            results.push(fileFailed(file, err, o.json));
          }
        }
        // New victims are enriched once, after the last file.
        if (results.some((r) => r.status === 'imported')) await enrichVictims(store);
        // Scan or device data arrived: devices, identities and exposures are worked out again.
        if (o.identify && results.some((r) => r.status === 'imported' && r.services)) {
          try {
            const run = await runIdentification(store);
            if (!o.json) for (const line of await describeRun(store, run)) console.log(line);
          } catch (err) {
            console.error(`botcensus: identify: ${(err as Error).message}`);
            setExitCode(1);
          }
        }
        if (!o.json && files.length > 1) console.log(totals(results, (await victimCount(store.driver)) - victimsBefore, Date.now() - started));
      });
      if (o.json) process.stdout.write(toJson(results));
      if (results.some((r) => r.status === 'failed')) setExitCode(1);
    });
}
