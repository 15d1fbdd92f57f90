// botcensus mail scan|campaigns|campaign|export-indicators|add-intel: tracking beacons in mail.
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { addBeaconsAsIntel } from '../../mail/intel-source.js';
import { beaconIndicators, exportBeacons, MAIL_EXPORT_FORMATS } from '../../mail/indicators.js';
import { judgeCampaigns, scanMail } from '../../mail/scan.js';
import type { MailCampaignRecord, MailVerdict } from '../../mail/records.js';
import type { Store } from '../../store/store.js';
import { duration, fileProgress, type Progress } from '../progress.js';
import { graceMs, graceOption, setExitCode, toJson, withImportStore, withStore } from '../context.js';
import { mailStore } from '../../mail/store.js';

const VERDICTS: MailVerdict[] = ['tracking', 'marketing', 'clean'];
const day = (ms?: number) => (ms === undefined ? '?' : new Date(ms).toISOString().slice(0, 10));

export function mailCommand(): Command {
  const mail = new Command('mail').description('tracking beacons in mail: scan mailboxes, group campaigns, export their beacon hosts (never fetches anything a message points to)');
  mail
    .command('scan')
    .description('read .eml files, mbox files and Maildir folders (gzip too; directories walked), store each message once, judge campaigns')
    .argument('<paths...>')
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], o, cmd: Command) => {
      await withImportStore(cmd, async (store) => {
        let progress: Progress | undefined;
        let current = '';
        const r = await scanMail(store, paths, {
          onProgress: (file, bytes) => {
            if (file !== current) {
              progress?.done();
              progress = fileProgress(`mail ${file}`, file);
              current = file;
            }
            progress!.update(bytes);
          },
          onProblem: (p) => {
            if (!o.json) console.error(`botcensus: ${p.file}: byte ${p.offset}: ${p.reason}`);
          },
          // After reading: what is being done, and for how long.
          onStoring: () => {
            progress?.done();
            progress = ticker('mail: storing the messages read');
          },
          onJudging: () => {
            progress?.done();
            progress = ticker('mail: judging the campaigns');
          },
        }).finally(() => progress?.done());
        if (o.json) process.stdout.write(toJson(r));
        else {
          console.log(`${r.files} files, ${r.messages} messages: ${r.added} new, ${r.duplicates} stored already; ${r.problems.length} malformed`);
          console.log(`campaigns: ${r.campaigns.tracking} tracking, ${r.campaigns.marketing} marketing, ${r.campaigns.clean} clean (botcensus mail campaigns)`);
        }
        if (r.problems.length) setExitCode(1);
      });
    });
  mail
    .command('campaigns')
    .description('list campaigns with their verdict, recipients, dates and beacon hosts')
    .addOption(new Option('--verdict <v>').choices(VERDICTS))
    .option('--limit <n>', 'at most this many', '1000')
    .option('--json', 'JSON output')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        await noteStale(store);
        const rows = await mailStore(store).campaigns({ verdict: o.verdict, limit: Number(o.limit) });
        if (o.json) return void process.stdout.write(toJson(rows));
        for (const c of rows) printCampaign(c, false);
        console.error(`${rows.length} campaigns`);
      });
    });
  mail
    .command('campaign')
    .description('one campaign: its evidence, recipients and messages')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(async (id: string, o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        await noteStale(store);
        const c = await mailStore(store).campaign(id);
        if (!c) throw new BotcensusError('USAGE', `no campaign ${JSON.stringify(id)} (botcensus mail campaigns lists them)`);
        const messages = await mailStore(store).campaignMessages(id);
        if (o.json) return void process.stdout.write(toJson({ ...c, messageList: messages }));
        printCampaign(c, true);
        console.log('messages:');
        for (const m of messages) console.log(`  ${day(m.date)} ${m.recipients.join(',')} ${JSON.stringify(m.subject)} ${m.file}@${m.offset}`);
      });
    });
  mail
    .command('export-indicators')
    .description('the beacon hosts of tracking campaigns (or of the campaigns named) as indicators')
    .addOption(new Option('--format <name>').choices([...MAIL_EXPORT_FORMATS]).default('text'))
    .option('--campaign <id...>', 'these campaigns, whatever their verdict')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const text = exportBeacons(beaconIndicators(await chosen(store, o.campaign)), o.format);
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
      });
    });
  mail
    .command('add-intel')
    .description('add the beacon hosts of tracking campaigns (or of the campaigns named) to the store as an intel source; they match telemetry at once')
    .option('--campaign <id...>', 'these campaigns, whatever their verdict')
    .option('--source <name>', 'intel source name', 'mail-tracking')
    .addOption(graceOption())
    .option('--json', 'print the result as JSON')
    .action(async (o, cmd: Command) => {
      await withImportStore(cmd, async (store) => {
        const r = await addBeaconsAsIntel(store, await chosen(store, o.campaign), { source: o.source, match: { graceMs: graceMs(o.grace) } });
        // The campaigns now have indicator hosts among their beacons.
        if (r.status === 'imported') await judgeCampaigns(store);
        if (o.json) return void process.stdout.write(toJson(r));
        if (r.status === 'duplicate') console.log(`these beacon hosts were added already (import #${r.previous.id}); nothing changed`);
        else console.log(`${r.indicators} beacon hosts added as intel source ${o.source} (import #${r.importId}), ${r.sightings} new sightings`);
      });
    });
  mail
    .command('judge')
    .description('judge every campaign again, against the indicators in the store now (mail scan does after adding messages)')
    .option('--json', 'print the verdict counts as JSON')
    .action(async (o, cmd: Command) => {
      await withImportStore(cmd, async (store) => {
        await judgeCampaigns(store);
        const counts: Record<MailVerdict, number> = { tracking: 0, marketing: 0, clean: 0 };
        for (const c of await mailStore(store).campaigns()) counts[c.verdict]++;
        if (o.json) return void process.stdout.write(toJson(counts));
        console.log(`campaigns: ${counts.tracking} tracking, ${counts.marketing} marketing, ${counts.clean} clean`);
      });
    });
  return mail;
}

/** Says on stderr when indicators were imported after the campaigns were judged. */
async function noteStale(store: Store): Promise<void> {
  const judged = await mailStore(store).campaignsJudgedWith();
  if (judged !== undefined && judged !== (await store.lastIndicatorImport()))
    console.error('botcensus: indicators were imported since these campaigns were judged; botcensus mail judge judges them again');
}

async function chosen(store: Store, ids: string[] | undefined): Promise<MailCampaignRecord[]> {
  await noteStale(store);
  if (!ids?.length) return mailStore(store).campaigns({ verdict: 'tracking' });
  const out: MailCampaignRecord[] = [];
  for (const id of ids) {
    const c = await mailStore(store).campaign(id);
    if (!c) throw new BotcensusError('USAGE', `no campaign ${JSON.stringify(id)} (botcensus mail campaigns lists them)`);
    out.push(c);
  }
  return out;
}

function printCampaign(c: MailCampaignRecord, full: boolean): void {
  const [site, relay] = c.infraKey.split('|');
  console.log(
    `${c.id} ${c.verdict.padEnd(9)} ${String(c.messages).padStart(6)} msgs ${String(c.recipients.length).padStart(5)} recipients ${day(c.firstDate)}..${day(c.lastDate)} ${site}${relay ? ` via ${relay}` : ''}${c.beaconHosts.length ? ` beacons: ${c.beaconHosts.slice(0, 5).join(', ')}${c.beaconHosts.length > 5 ? ', …' : ''}` : ''}`,
  );
  if (!full && c.verdict !== 'tracking') return;
  for (const e of c.evidence) console.log(`    ${e}`);
  if (!full) return;
  console.log(`  senders: ${c.senders.join(', ')}`);
  console.log(`  subjects: ${c.subjects.map((s) => JSON.stringify(s)).join(', ')}`);
  console.log(`  organisations: ${c.organisations.join(', ')}`);
  console.log(`  recipients: ${c.recipients.join(', ')}`);
}

/** On a terminal, a line saying what is being done and for how long, until done. */
function ticker(label: string): Progress {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  const timer = tty ? setInterval(() => process.stderr.write(`\r\x1b[K${label} (${duration(Date.now() - started)})`), 1000) : undefined;
  return {
    update: () => undefined,
    done: (summary) => {
      clearInterval(timer);
      if (tty) process.stderr.write('\r\x1b[K');
      if (summary) process.stderr.write(summary + '\n');
    },
  };
}
