// botcensus notify: tell each network owner about its own compromised devices (plan, send, log).
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { type Channels, type SendEvent, sendNotifications } from '../../notify/outbox.js';
import { planNotifications } from '../../notify/plan.js';
import { redact, smtpChannel } from '../../notify/smtp.js';
import type { NotifyPlan } from '../../notify/types.js';
import { webhookChannel } from '../../notify/webhook.js';
import type { NotificationStatus } from '../../notify/outbox-store.js';
import { notifyStore } from '../../notify/outbox-sql.js';
import type { Store } from '../../store/store.js';
import { SPAN_HELP } from '../../core/span.js';
import { setExitCode, timeOpt, toJson, withStore, withWritingStore } from '../context.js';
import { positive, resolveTime, timeSpec, wholeNumber } from '../options.js';
import { working } from '../progress.js';
import { latestSighting } from '../../census/victim-counts.js';

/** --since: a date-time, or a span such as 30d, 12h, 2w back from `reference` (the latest sighting). */
export function sinceOpt(value: string | undefined, reference: number | undefined): number | undefined {
  return resolveTime(timeSpec(value, '--since'), reference);
}

/** --since resolved against the store's latest sighting, as the census and the dashboard count. */
async function sinceOfStore(store: Store, value: string | undefined): Promise<number | undefined> {
  return value === undefined ? undefined : sinceOpt(value, await latestSighting(store.driver));
}

/** Why a plan holds nobody: an empty store, or a --since after the data. */
async function emptyPlanReason(store: Store, since: number | undefined): Promise<string | undefined> {
  const latest = await latestSighting(store.driver);
  if (latest === undefined) return 'the store holds no sightings yet: nothing to notify';
  if (since !== undefined && since > latest)
    return `no victim was seen since ${new Date(since).toISOString()}: the latest sighting is at ${new Date(latest).toISOString()}`;
  return undefined;
}

/** The plan as JSON: payloads parsed, webhook secrets hidden. */
export function planJson(plan: NotifyPlan): unknown {
  return {
    ...plan,
    owners: plan.owners.map((g) => ({
      ...g,
      entry: g.entry && { ...g.entry, webhookSecret: g.entry.webhookSecret ? '***' : undefined },
      messages: g.messages.map((m) => ({ ...m, payload: JSON.parse(m.payload), victims: m.victims.map((v) => v.ip) })),
    })),
  };
}

function printPlan(plan: NotifyPlan): void {
  for (const g of plan.owners) {
    const e = g.entry;
    const head = e ? `${e.language}, every ${e.intervalDays}d, ${e.format}` : 'no owner entry: AS organisation from enrichment';
    console.log(`== ${g.owner}  (${g.contact ? head : `no contact; ${head}`})  ${g.victims.length} victims`);
    for (const v of g.victims) {
      const due = Object.entries(v.due).map(([ch, r]) => `${ch}:${r}`).join(' ') || '-';
      console.log(`  ${v.ip.padEnd(39)} ${(v.country ?? '??').padEnd(2)} AS${String(v.asn ?? '?').padEnd(7)} last ${v.lastSeen.toISOString()} ${v.grade.padEnd(9)} ${due}  ${v.families.join(',')}`);
      for (const l of v.evidence)
        console.log(`      ${l.kind.padEnd(6)} ${l.indicator ?? l.detail ?? ''} ${l.firstSeen.toISOString()}..${l.lastSeen.toISOString()} x${l.events}  ${l.file}:${l.firstLine ?? '?'}`);
    }
    for (const m of g.messages) {
      console.log(`  -> ${m.channel} to ${m.recipients.map(redact).join(', ')}: ${m.victims.length} victims, id ${m.messageId}`);
      console.log(`     Subject: ${m.subject}`);
      for (const line of m.text.split('\n')) console.log(`     | ${line}`);
      const att = m.channel === 'email' ? (JSON.parse(m.payload) as { attachments: { filename: string; content: string }[] }).attachments : [];
      for (const a of att) {
        console.log(`     [${a.filename}]`);
        for (const line of a.content.trimEnd().split(/\r?\n/)) console.log(`     | ${line}`);
      }
    }
  }
  const msgs = plan.owners.reduce((n, g) => n + g.messages.length, 0);
  const n = (x: number) => x.toLocaleString('en-US');
  console.error(`${n(plan.owners.length)} owners (${n(plan.owners.filter((g) => !g.contact).length)} without contact), ${n(msgs)} messages would be sent`);
}

function describe(e: SendEvent): string {
  switch (e.type) {
    case 'queued':
      return `queued #${e.id} ${e.owner} ${e.channel} (${e.victims} victims)`;
    case 'sent':
      return `sent #${e.row.id} ${e.row.owner} ${e.row.channel} ${e.row.messageId}: ${e.response}`;
    case 'failed':
      return `${e.status === 'failed' ? 'FAILED' : 'not delivered (will retry)'} #${e.row.id} ${e.row.owner} ${e.row.channel}: ${e.error}`;
    case 'skipped':
      return `skipped ${e.owner} ${e.channel}: ${e.reason}`;
  }
}

export function notifyCommand(): Command {
  const cmd = new Command('notify').description('notify network owners about their compromised devices: one aggregated message per owner and run, never one per event');
  cmd
    .command('plan')
    .description('dry run: per owner, the victims, their evidence lines and the message that would be sent')
    .option('--since <time>', `only victims seen since: ${SPAN_HELP}`)
    .option('--from <address>', 'From: address (default $BOTCENSUS_FROM)')
    .option('--sender <name>', 'who signs the message text (a CERT name)')
    .option('--owner <name>', 'show this owner (or no-contact network) only')
    .option('--json', 'JSON output')
    .action(async (o, sub: Command) => {
      timeSpec(o.since, '--since');
      await withStore(sub, async (store) => {
        const now = Date.now();
        const since = await sinceOfStore(store, o.since);
        const plan = await working('planning notifications', () => planNotifications(store, { since, now, from: o.from ?? process.env.BOTCENSUS_FROM, sender: o.sender }));
        if (o.owner !== undefined) plan.owners = plan.owners.filter((g) => g.owner === o.owner);
        if (o.json) process.stdout.write(toJson(planJson(plan)));
        else printPlan(plan);
        const why = plan.owners.length ? undefined : await emptyPlanReason(store, since);
        if (why && !o.json) console.error(why);
      });
    });
  cmd
    .command('send')
    .description('send what `notify plan` shows: outbox first, then delivery; a rerun finishes an interrupted run')
    .option('--since <time>', `only victims seen since: ${SPAN_HELP}`)
    .option('--smtp <url>', 'smtp://user:pass@host:port or smtps://... (default $BOTCENSUS_SMTP); STARTTLS when offered')
    .option('--from <address>', 'From: address of emails (default $BOTCENSUS_FROM)')
    .option('--sender <name>', 'who signs the message text (a CERT name)')
    .option('--no-webhooks', 'do not deliver to webhooks')
    .option('--webhook-attempts <n>', 'tries per webhook message in one run', '4')
    .option('--webhook-backoff <ms>', 'first retry delay, doubled each time', '1000')
    .option('--max-attempts <n>', 'runs a failing message is tried in before it is marked failed', '5')
    .option('--now <time>', 'record the run as happening at this time (replaying history)')
    .action(async (o, sub: Command) => {
      const smtpUrl: string | undefined = o.smtp ?? process.env.BOTCENSUS_SMTP;
      const channels: Channels = {};
      if (smtpUrl) channels.email = smtpChannel({ url: smtpUrl });
      if (o.webhooks) channels.webhook = webhookChannel({ attempts: positive(o.webhookAttempts, '--webhook-attempts'), baseDelayMs: positive(o.webhookBackoff, '--webhook-backoff') });
      const now = timeOpt(o.now, '--now') ?? Date.now();
      let problems = 0;
      try {
        await withWritingStore(sub, async (store) => {
          const r = await sendNotifications(store, {
            channels,
            since: await sinceOfStore(store, o.since),
            now: o.now ? now : undefined,
            from: o.from ?? process.env.BOTCENSUS_FROM,
            sender: o.sender,
            maxAttempts: positive(o.maxAttempts, '--max-attempts'),
            onEvent: (e) => {
              if (e.type === 'failed') problems++;
              console.error(describe(e));
            },
          });
          const resumed = r.resumed.sent + r.resumed.failed;
          console.error(
            `${r.sent + r.resumed.sent} sent, ${r.failed + r.resumed.failed} failed, ${r.pending + r.resumed.pending} left pending` +
              `${resumed ? ` (${resumed} from an earlier run)` : ''}, ${r.queued} queued${r.duplicates ? `, ${r.duplicates} already queued` : ''}, ${r.skipped.length} skipped`,
          );
        });
      } finally {
        for (const ch of Object.values(channels)) await ch.close?.();
      }
      if (problems) setExitCode(1);
    });
  cmd
    .command('log')
    .description('every notification: owner, channel, recipients, message id, time, victims, outcome')
    .option('--owner <name>')
    .option('--status <status>', 'pending, sent or failed')
    .option('--limit <n>', 'most recent first', '100')
    .option('--json', 'JSON output')
    .action(async (o, sub: Command) => {
      if (o.status && !['pending', 'sent', 'failed'].includes(o.status)) throw new BotcensusError('USAGE', '--status is pending, sent or failed');
      await withStore(sub, async (store) => {
        const rows = await notifyStore(store).notifications({ owner: o.owner, status: o.status as NotificationStatus | undefined, limit: wholeNumber(o.limit, '--limit') });
        if (o.json) return void process.stdout.write(toJson(rows.map(({ payload: _p, ...r }) => r)));
        for (const r of rows)
          console.log(
            `#${r.id} ${(r.sentAt ?? r.createdAt).toISOString()} ${r.status.padEnd(7)} ${r.owner} ${r.channel} -> ${r.recipients.join(', ')}  ${r.victims.length} victims  ${r.messageId}  ${r.response ?? r.lastError ?? ''}`,
          );
        console.error(`${rows.length} notifications`);
      });
    });
  return cmd;
}
