// botcensus census: the advisory's table, for any grouping and measure.
import { Command, Option } from 'commander';
import type { OutputFormat } from '../../census/render.js';
import { SPAN_HELP } from '../../core/span.js';
import type { CensusDimension, Grade, Measure } from '../../store/store.js';
import { outputFormat, withStore } from '../context.js';
import { working } from '../progress.js';
import { checkAbsoluteRange, positive, resolveTime, timeRange, timeSpec, wholeNumber } from '../options.js';
import { latestSighting } from '../../census/victim-counts.js';

export function censusCommand(): Command {
  return new Command('census')
    .description('count victims by country, ASN, organisation, family, tag, indicator, device type, vendor, product or exploited CVE, with shares (active = the headline; window and cumulative are inflated by IP churn)')
    .addOption(
      new Option('--by <dimension>', 'device, vendor, product and cve come from `botcensus identify` (scan data) and the KEV catalog')
        .choices(['country', 'asn', 'org', 'family', 'tag', 'indicator', 'kind', 'grade', 'device', 'vendor', 'device-vendor', 'product', 'cve'])
        .default('country'),
    )
    .addOption(new Option('--measure <measure>').choices(['active', 'window', 'cumulative']).default('active'))
    .option('--at <time>', 'reference time for "active" (default: the latest sighting)')
    .option('--since <time>', `window start (default: 7 days before --until): ${SPAN_HELP}`)
    .option('--until <time>', 'window end (default: --at)')
    .option('--active-hours <hours>', 'length of the active window', '24')
    .option('--top <n>', 'rows before "others"', '10')
    .option('--constituency <file>', 'countries, ASNs and CIDRs of your constituency (JSON or one per line)')
    .option('--include-outside', 'count victims outside the constituency too')
    .option('--include-warned', 'count victims on a warninglist too')
    .addOption(new Option('--min-grade <grade>', 'weakest evidence that counts').choices(['one-way', 'two-way', 'confirmed']).default('one-way'))
    .addOption(new Option('--format <format>').choices(['table', 'md', 'csv', 'json']).default('table'))
    .option('--json', 'short for --format json')
    .action(async (o, cmd: Command) => {
      const [at, since, until] = [timeSpec(o.at, '--at'), timeSpec(o.since, '--since'), timeSpec(o.until, '--until')];
      checkAbsoluteRange(since, until);
      const activeHours = positive(o.activeHours, '--active-hours');
      const top = wholeNumber(o.top, '--top')!;
      const { runCensus } = await import('../../census/census.js');
      const { readConstituency } = await import('../../census/constituency.js');
      const { renderCensus } = await import('../../census/render.js');
      const constituency = o.constituency ? readConstituency(o.constituency) : undefined;
      await withStore(cmd, async (store) => {
        // Relative times count back from --at, or from the latest sighting, as "active" does.
        const latest = await latestSighting(store.driver);
        const reference = resolveTime(at, latest) ?? latest;
        const range = timeRange(since, until, reference);
        const report = await working('counting victims (the first question after an import computes the windows)', () => runCensus(store, {
          by: o.by as CensusDimension,
          measure: o.measure as Measure,
          at: at === undefined ? undefined : reference,
          since: range.since,
          until: range.until,
          activeHours,
          top,
          constituency,
          includeOutside: o.includeOutside,
          includeWarned: o.includeWarned,
          minGrade: o.minGrade as Grade,
        }));
        process.stdout.write(renderCensus(report, outputFormat<OutputFormat>(o, 'table')));
      });
    });
}
