// botcensus report: the advisory-grade document (headline counts, countries, map, networks,
// trend, indicators, methodology) as self-contained HTML, PDF or Markdown.
import { Command, Option } from 'commander';
import type { ReportOptions } from '../../report/report-data.js';
import type { Grade, Measure } from '../../store/store.js';
import { withStore } from '../context.js';
import { checkAbsoluteRange, isRelative, outputFile, positive, resolveTime, timeRange, timeSpec, wholeNumber } from '../options.js';
import { working } from '../progress.js';
import { latestSighting } from '../../census/victim-counts.js';

const renameRange = (r: { since?: number; until?: number }) => ({ since: r.since, until: r.until });

export function reportCommand(): Command {
  return new Command('report')
    .description('write the advisory-grade report: headline counts, country table and map, networks, daily trend, indicators, methodology')
    .requiredOption('--out <file>', 'FILE.html (self-contained), FILE.pdf (rendered by headless Chromium) or FILE.md')
    .option('--at <time>', 'reference time for "active" (default: the latest sighting)')
    .option('--since <time>', 'window start (default: 7 days before --until); also where the daily trend starts')
    .option('--until <time>', 'window end (default: --at)')
    .option('--active-hours <hours>', 'length of the active window', '24')
    .addOption(new Option('--measure <measure>', 'what the tables and the map count').choices(['active', 'window', 'cumulative']).default('active'))
    .option('--top <n>', 'rows of each table before "others"', '10')
    .option('--trend-days <n>', 'days of the daily trend when --since is not given', '30')
    .option('--constituency <file>', 'countries, ASNs and CIDRs of your constituency (JSON or one per line)')
    .option('--include-outside', 'count victims outside the constituency too')
    .option('--include-warned', 'count victims on a warninglist too')
    .addOption(new Option('--min-grade <grade>', 'weakest evidence that counts').choices(['one-way', 'two-way', 'confirmed']).default('one-way'))
    .option('--owner <name>', "only this owner's victims (from `owners import`): nothing about other networks")
    .option('--title <text>', 'document title')
    .option('--marking <label>', 'handling marking on every page, e.g. TLP:CLEAR')
    .action(async (o, cmd: Command) => {
      // A wrong extension, time or folder fails before the store is opened.
      const { reportFormat, writeReport } = await import('../../report/write.js');
      reportFormat(o.out);
      outputFile(o.out);
      const [at, since, until] = [timeSpec(o.at, '--at'), timeSpec(o.since, '--since'), timeSpec(o.until, '--until')];
      checkAbsoluteRange(since, until);
      const options: ReportOptions = {
        activeHours: positive(o.activeHours, '--active-hours'),
        measure: o.measure as Measure,
        top: wholeNumber(o.top, '--top')!,
        trendDays: positive(o.trendDays, '--trend-days'),
        constituency: o.constituency ? (await import('../../census/constituency.js')).readConstituency(o.constituency) : undefined,
        constituencyLabel: o.constituency,
        includeOutside: o.includeOutside,
        includeWarned: o.includeWarned,
        minGrade: o.minGrade as Grade,
        owner: o.owner,
        title: o.title,
        marking: o.marking,
      };
      const { gatherReportData } = await import('../../report/report-data.js');
      const { stageSources } = await import('../../report/stage-sources.js');
      await withStore(cmd, async (store) => {
        // Relative times count back from --at, or from the latest sighting, as the census does.
        if (isRelative(at, since, until)) {
          const latest = await latestSighting(store.driver);
          const reference = resolveTime(at, latest) ?? latest;
          Object.assign(options, { at: at && reference, ...renameRange(timeRange(since, until, reference)) });
        } else Object.assign(options, { at: resolveTime(at, undefined), since: resolveTime(since, undefined), until: resolveTime(until, undefined) });
        const data = await working('gathering the report\'s numbers', () => gatherReportData(store, options, stageSources(store)));
        const format = await working(`writing ${o.out}`, () => writeReport(data, o.out));
        const h = data.census.headline;
        const n = (x: number) => x.toLocaleString('en-US');
        console.error(`wrote ${format} report to ${o.out}: active ${n(h.active)}, window ${n(h.window)}, cumulative ${n(h.cumulative)}`);
      });
    });
}
