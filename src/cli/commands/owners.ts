// botcensus owners: the contact database (who is told about which victims).
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { formatProblem, loadOwnersFile, OwnersFileError } from '../../notify/owners-file.js';
import { channelsOf } from '../../notify/plan.js';
import type { Store } from '../../store/store.js';
import { toJson, withImportStore, withStore } from '../context.js';
import { listOwners, noContactNetworks, replaceOwners } from '../../notify/owners-sql.js';
import { wholeNumber } from '../options.js';
import { working } from '../progress.js';

/** Victims with no owner entry, grouped by AS organisation from enrichment: listed as "no contact". */
export async function noContactGroups(store: Store): Promise<{ name: string; asn?: number; asOrg?: string; victims: number }[]> {
  return (await noContactNetworks(store)).map((g) => ({ name: g.asn === undefined ? 'Unknown network' : `AS${g.asn}${g.asOrg ? ' ' + g.asOrg : ''}`, ...g }));
}

export function ownersCommand(): Command {
  const cmd = new Command('owners').description('the contact database: network owners, their ASNs and blocks, and how to reach them');
  cmd
    .command('import')
    .description('replace the contact database with a CSV (name,asns,cidrs,emails,webhook_url,webhook_secret,language,interval_days,format) or JSON file')
    .argument('<file>')
    .action(async (file: string, _o, sub: Command) => {
      let owners;
      try {
        owners = loadOwnersFile(file);
      } catch (err) {
        if (!(err instanceof OwnersFileError)) throw err;
        for (const p of err.problems) console.error(`botcensus: ${formatProblem(p)}`);
        const n = err.problems.length;
        throw new BotcensusError('BAD_INPUT', `${n} problem${n === 1 ? '' : 's'}; nothing imported (the contact database is unchanged)`, { file });
      }
      await withImportStore(sub, async (store) => {
        await replaceOwners(store, owners);
        const blocks = owners.reduce((n, o) => n + o.cidrs.length, 0);
        const asns = owners.reduce((n, o) => n + o.asns.length, 0);
        console.error(`imported ${owners.length} owners (${blocks} blocks, ${asns} ASNs); the most specific match wins`);
      });
    });
  cmd
    .command('list')
    .description('owners with their victim counts, then victims with no owner entry grouped by AS organisation ("no contact")')
    .option('--limit <n>', 'at most this many networks without contact (the owners are always listed)', '50')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean; limit: string }, sub: Command) => {
      const limit = wholeNumber(o.limit, '--limit', 0)!;
      await withStore(sub, async (store) => {
        const [owners, all] = await working('counting victims per owner', async () => [await listOwners(store), await noContactGroups(store)] as const);
        const none = all.slice(0, limit);
        if (o.json) {
          const redacted = owners.map((x) => ({ ...x, webhookSecret: x.webhookSecret ? '***' : undefined, contact: channelsOf(x).length > 0 }));
          return void process.stdout.write(toJson({ owners: redacted, noContact: none }));
        }
        const n = (x: number) => x.toLocaleString('en-US');
        for (const x of owners) {
          const reach = [...x.emails, ...(x.webhookUrl ? [`webhook ${x.webhookUrl}`] : [])].join(', ') || 'no contact';
          const keys = [...x.cidrs, ...x.asns.map((a) => `AS${a}`)].join(' ');
          console.log(`${x.name.padEnd(30)} ${n(x.victims).padStart(9)} victims  ${x.language} every ${x.intervalDays}d ${x.format.padEnd(14)} ${keys}  -> ${reach}`);
        }
        for (const g of none) console.log(`${g.name.padEnd(30)} ${n(g.victims).padStart(9)} victims  no contact (no owner entry)`);
        const more = all.length > none.length ? ` (the ${n(none.length)} with most victims shown: --limit)` : '';
        console.error(`${n(owners.length)} owners, ${n(all.length)} networks without contact${more}`);
      });
    });
  return cmd;
}
