// botcensus remediation: after notification, which victims went quiet, how many, and how fast.
import { Command, Option } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { remediationSummary, remediationVictims, type RemediationGroup } from '../../notify/remediation.js';
import { timeOpt, toJson, withStore } from '../context.js';

const pct = (x: number | null) => (x === null ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);
const days = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)}d`);

function line(g: RemediationGroup, width: number): string {
  const shares = g.after.map((s) => `${pct(s.share)} (${s.cleaned}/${s.eligible})`.padEnd(18)).join(' ');
  return `${g.label.padEnd(width)} ${String(g.notified).padStart(8)} ${String(g.seenAfter).padStart(10)} ${String(g.cleaned).padStart(7)}  ${shares} ${days(g.medianDaysToClean).padStart(8)}`;
}

export function remediationCommand(): Command {
  return new Command('remediation')
    .description('for notified victims: still seen after notification or not, share cleaned after 1, 7 and 30 days, median time to clean')
    .addOption(new Option('--by <dimension>').choices(['owner', 'country', 'asn']).default('owner'))
    .option('--at <time>', 'reference time (default: the latest sighting, i.e. how far telemetry goes)')
    .option('--quiet-days <n>', 'days without sightings before a victim counts as cleaned', '1')
    .option('--victims', 'one line per notified victim instead of the summary')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      const quietDays = Number(o.quietDays);
      if (!Number.isFinite(quietDays) || quietDays < 0) throw new BotcensusError('USAGE', `--quiet-days takes a number of days, not ${JSON.stringify(o.quietDays)}`);
      const at = timeOpt(o.at, '--at');
      await withStore(cmd, async (store) => {
        if (o.victims) {
          const vs = await remediationVictims(store, { at, quietDays });
          if (o.json) return void process.stdout.write(toJson(vs));
          for (const v of vs) {
            const after = Object.entries(v.after).map(([d, c]) => `${d}d:${c === null ? '-' : c ? 'clean' : 'seen'}`).join(' ');
            const state = v.cleaned ? `cleaned ${days(v.daysToClean ?? null)} after` : 'still active';
            console.log(`${v.ip.padEnd(39)} ${v.owner.padEnd(24)} notified ${v.notifiedAt.toISOString()} ${v.seenAfter ? `last seen ${v.lastSeenAfter!.toISOString()}` : 'not seen since'.padEnd(34)} ${state}  ${after}`);
          }
          return void console.error(`${vs.length} notified victims`);
        }
        const s = await remediationSummary(store, { at, quietDays });
        if (o.json) return void process.stdout.write(toJson(s));
        const groups = o.by === 'country' ? s.byCountry : o.by === 'asn' ? s.byAsn : s.byOwner;
        const width = Math.max(20, ...groups.map((g) => g.label.length));
        console.log(`${o.by.padEnd(width)} ${'notified'.padStart(8)} ${'seen after'.padStart(10)} ${'cleaned'.padStart(7)}  ${'after 1 day'.padEnd(18)} ${'after 7 days'.padEnd(18)} ${'after 30 days'.padEnd(18)} ${'median'.padStart(8)}`);
        for (const g of groups) console.log(line(g, width));
        console.log(line(s.total, width));
        console.error(`as of ${s.at.toISOString()}; ${s.rule}`);
      });
    });
}
