// botcensus victims and botcensus lookup: the addresses behind the counts, and their evidence.
import { displayIndicator } from '../../core/domain-display.js';
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { parseIp } from '../../core/ip.js';
import { SPAN_HELP } from '../../core/span.js';
import { countryName } from '../../core/country-names.js';
import { sourceLabel } from '../../enrich/provenance.js';
import type { LookupResult } from '../../store/store.js';
import { graceMs, graceOption, toJson, withStore } from '../context.js';
import { working } from '../progress.js';
import { asn, checkAbsoluteRange, country, isRelative, timeRange, timeSpec, wholeNumber } from '../options.js';
import { lookupAddress } from '../../match/lookup.js';
import { latestSighting } from '../../census/victim-counts.js';
import { victims } from '../../census/victims.js';

export function victimsCommand(): Command {
  return new Command('victims')
    .description('list victims with enrichment, families, indicators, evidence grade and first/last seen')
    .option('--country <cc>', 'ISO 3166 code (DE) or English name (Germany)')
    .option('--asn <n>', '64500 or AS64500')
    .option('--family <name>')
    .option('--since <time>', SPAN_HELP)
    .option('--until <time>')
    .option('--constituency <file>')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--offset <n>', 'skip this many', '0')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      const [since, until] = [timeSpec(o.since, '--since'), timeSpec(o.until, '--until')];
      checkAbsoluteRange(since, until);
      const filter = {
        country: country(o.country),
        asn: asn(o.asn),
        family: o.family as string | undefined,
        limit: wholeNumber(o.limit, '--limit'),
        offset: wholeNumber(o.offset, '--offset', 0),
      };
      const { readConstituency } = await import('../../census/constituency.js');
      const constituency = o.constituency ? readConstituency(o.constituency) : undefined;
      await withStore(cmd, async (store) => {
        const latest = isRelative(since, until) ? await latestSighting(store.driver) : undefined;
        const range = timeRange(since, until, latest);
        const rows = await working('listing victims', () => victims(store, { ...filter, from: range.since, to: range.until, constituency }));
        if (o.json) return void process.stdout.write(toJson(rows));
        for (const v of rows)
          console.log(
            `${v.ip.padEnd(39)} ${(v.special ? '--' : (v.country ?? '??')).padEnd(2)} AS${String(v.asn ?? '?').padEnd(7)} ${v.grade.padEnd(9)} ${v.lastSeen.toISOString()} ${v.families.join(',')}${v.deviceId ? ' device=' + v.deviceId : ''}`,
          );
        console.error(`${rows.length.toLocaleString('en-US')} victims${rows.length === filter.limit ? ` (the first ${filter.limit.toLocaleString('en-US')}: --limit and --offset page on)` : ''}`);
        if (!rows.length && filter.offset === 0) console.error(await noVictimsReason(store, range.since !== undefined || range.until !== undefined));
      });
    });
}

/** Why a victim list is empty: an empty store, a window after or before the data, or the filters. */
async function noVictimsReason(store: import('../../store/store.js').Store, windowed: boolean): Promise<string> {
  const latest = await latestSighting(store.driver);
  if (latest === undefined) return 'the store holds no sightings yet: import indicators (botcensus intel import) and telemetry (botcensus ingest)';
  const at = new Date(latest).toISOString();
  return windowed
    ? `no victim matches in this window; the latest sighting is at ${at} (relative times such as 7d count back from it)`
    : `no victim matches these filters (latest sighting ${at})`;
}

export function lookupCommand(): Command {
  return new Command('lookup')
    .description('everything known about one address: enrichment and its sources, owner, services, identified device and KEV exposures, indicators, evidence lines, and why near misses did not match')
    .argument('<ip>')
    .addOption(graceOption())
    .option('--json', 'JSON output')
    .action(async (text: string, o, cmd: Command) => {
      const ip = parseIp(text);
      if (ip === null) throw new BotcensusError('USAGE', `not an IP address: ${JSON.stringify(text)}`);
      await withStore(cmd, async (store) => {
        const r = await lookupAddress(store, ip, { graceMs: graceMs(o.grace) });
        if (o.json) return void process.stdout.write(toJson(r));
        printHost(r);
        if (r.owner) console.log(`  owner: ${r.owner}`);
        for (const v of r.services)
          console.log(
            `  service: ${v.port === undefined ? '' : `${v.port}/${v.transport ?? 'tcp'} `}${v.protocol} seen by ${v.source} ${v.firstSeen.toISOString()}..${v.lastSeen.toISOString()}${v.events > 1 ? ` x${v.events}` : ''}  ${v.file}:${v.line}`,
          );
        for (const d of r.devices) {
          const name = [d.vendor, d.product, d.version].filter(Boolean).join(' ') || 'unidentified';
          console.log(`  device: ${name}${d.deviceType ? ` (${d.deviceType})` : ''}  ${d.device}  held it ${d.firstSeen.toISOString()}..${d.lastSeen.toISOString()}`);
          for (const e of d.evidence.slice(0, 3))
            console.log(`    evidence: ${e.source} ${JSON.stringify(e.banner)} matched ${JSON.stringify(e.fingerprint)}${e.file ? `  ${e.file}:${e.line ?? '?'}` : ''}`);
          for (const x of d.exposures) console.log(`    KEV: ${x.cveID}${x.name ? ` ${x.name}` : ''} (${x.level}, matched on ${x.matchedOn})`);
        }
        for (const i of r.isIndicator) console.log(`  is an indicator: ${i.type} ${displayIndicator(i.type, i.value)} from ${i.source}`);
        for (const w of r.warnings) console.log(`  on warninglist: ${w}`);
        console.log(`  telemetry rows touching it: ${r.telemetryRows}`);
        for (const e of r.evidence)
          console.log(
            `  ${e.grade.padEnd(9)} ${e.kind.padEnd(6)} ${e.indicator === undefined ? (e.detail ?? '') : displayIndicator(undefined, e.indicator)} ${e.firstSeen.toISOString()}..${e.lastSeen.toISOString()} x${e.events} ${e.bytes}B ${e.direction}  ${e.file}:${e.firstLine ?? '?'}`,
          );
        for (const n of r.nearMisses) console.log(`  no match: ${n.kind} ${displayIndicator(undefined, n.indicator)} at ${n.file}:${n.line}: ${n.reason}`);
        if (!r.evidence.length && !r.nearMisses.length) console.log('  no sightings and no near misses: not a victim');
      });
    });
}

/** The enrichment line: country, AS and where each came from, or the special-purpose block. */
function printHost(r: LookupResult): void {
  const h = r.host;
  if (!h) return void console.log(`${r.ip}  not enriched (no range data holds it)`);
  if (h.special) return void console.log(`${r.ip}  ${h.special}: special-purpose, no country or AS`);
  const now = Date.now();
  const from = (name?: string, date?: string) => (name ? ` from ${name === 'report' ? 'the report' : sourceLabel(name, date, now)}` : '');
  console.log(`${r.ip}  ${h.country ?? '??'}${h.country ? ` (${countryName(h.country)})` : ''}  AS${h.asn ?? '?'} ${h.asOrg ?? ''}`);
  if (h.asnSource || h.countrySource) console.log(`  enrichment: AS${from(h.asnSource, h.asnDataDate)}; country${from(h.countrySource, h.countryDataDate)}`);
}
