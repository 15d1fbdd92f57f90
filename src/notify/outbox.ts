// The sender: messages are written to the outbox (one transaction) before any is sent, each is
// marked sent as soon as its channel accepts it, and every run first finishes what an earlier,
// interrupted run left pending. So a crash loses nothing and re-sends at most the one message
// that was in flight (with the same Message-ID / delivery id, for the receiver to dedupe).
import { BotcensusError } from '../core/errors.js';
import type { NotificationRow, NotifyChannel, OutboxMessage } from './outbox-store.js';
import type { Store } from '../store/store.js';
import { DeliveryError, type Channel } from './channel.js';
import { planNotifications, type PlanOptions } from './plan.js';
import type { NotifyPlan } from './types.js';
import { notifyStore } from './outbox-sql.js';

export type Channels = Partial<Record<NotifyChannel, Channel>>;

export type SendEvent =
  | { type: 'queued'; owner: string; channel: NotifyChannel; id: number; victims: number }
  | { type: 'sent'; row: NotificationRow; response: string }
  | { type: 'failed'; row: NotificationRow; error: string; status: 'pending' | 'failed' }
  | { type: 'skipped'; owner: string; channel: NotifyChannel; reason: string };

export interface DeliverOptions {
  /** Runs a message is tried in before a transient failure becomes final (default 5). */
  maxAttempts?: number;
  /** Time recorded as sent_at (epoch ms); default now. */
  clock?: () => number;
  onEvent?: (e: SendEvent) => void;
}

export interface SendOptions extends PlanOptions, DeliverOptions {
  channels: Channels;
}

export interface DeliveryCounts {
  sent: number;
  failed: number;
  /** Still pending: no channel configured for them, or a transient failure. */
  pending: number;
}

export interface SendReport extends DeliveryCounts {
  /** Messages of earlier runs delivered (or tried) before planning. */
  resumed: DeliveryCounts;
  queued: number;
  duplicates: number;
  skipped: { owner: string; channel: NotifyChannel; reason: string }[];
  plan: NotifyPlan;
}

/**
 * Sends pending outbox rows whose channel is configured (only the rows `ids` when given), marking
 * each right after.
 */
export async function deliverPending(store: Store, channels: Channels, o: DeliverOptions = {}, ids?: number[]): Promise<DeliveryCounts> {
  const clock = o.clock ?? Date.now;
  const out: DeliveryCounts = { sent: 0, failed: 0, pending: 0 };
  const only = ids && new Set(ids);
  for (const row of await notifyStore(store).pending()) {
    if (only && !only.has(row.id)) continue;
    const ch = channels[row.channel];
    if (!ch) {
      out.pending++;
      continue;
    }
    let response: string;
    try {
      response = await ch.send(row);
    } catch (err) {
      const permanent = err instanceof DeliveryError && err.permanent;
      const error = (err as Error).message;
      const status = await notifyStore(store).recordAttempt(row.id, { ok: false, at: clock(), error, permanent }, o.maxAttempts ?? 5);
      if (status === 'failed') out.failed++;
      else out.pending++;
      o.onEvent?.({ type: 'failed', row, error, status: status === 'failed' ? 'failed' : 'pending' });
      continue;
    }
    // The only window for a duplicate is between the channel's acceptance and this mark.
    await notifyStore(store).recordAttempt(row.id, { ok: true, at: clock(), response }, o.maxAttempts ?? 5);
    out.sent++;
    o.onEvent?.({ type: 'sent', row, response });
  }
  return out;
}

/** `notify send`: finish earlier runs, plan, write the outbox, deliver. */
export async function sendNotifications(store: Store, o: SendOptions): Promise<SendReport> {
  const clock = o.clock ?? (() => o.now ?? Date.now());
  const deliver = { ...o, clock };
  const resumed = await deliverPending(store, o.channels, deliver);
  const plan = await planNotifications(store, o);
  const messages: OutboxMessage[] = [];
  const skipped: SendReport['skipped'] = [];
  for (const g of plan.owners) {
    for (const m of g.messages) {
      if (!o.channels[m.channel]) {
        const reason = m.channel === 'email' ? 'no SMTP server configured (--smtp or BOTCENSUS_SMTP)' : 'webhooks disabled';
        skipped.push({ owner: g.owner, channel: m.channel, reason });
        o.onEvent?.({ type: 'skipped', owner: g.owner, channel: m.channel, reason });
        continue;
      }
      if (m.channel === 'email' && !o.from) throw new BotcensusError('USAGE', 'emails need a From: address: give --from or BOTCENSUS_FROM');
      messages.push({
        owner: g.owner,
        channel: m.channel,
        recipients: m.recipients,
        dedupeKey: m.dedupeKey,
        messageId: m.messageId,
        subject: m.subject,
        payload: m.payload,
        victims: m.victims.map((v) => ({ ip: v.ip, firstSeen: v.firstSeen, evidenceUntil: v.lastSeen, events: v.events })),
      });
    }
  }
  const ids = await notifyStore(store).enqueue(messages, o.now ?? clock());
  messages.forEach((m, i) => {
    const id = ids[i];
    if (id !== null && id !== undefined) o.onEvent?.({ type: 'queued', owner: m.owner, channel: m.channel, id, victims: m.victims.length });
  });
  const fresh = ids.filter((x): x is number => x !== null);
  // Only this run's messages: those of earlier runs were tried once already, above.
  const now = await deliverPending(store, o.channels, deliver, fresh);
  return { ...now, resumed, queued: fresh.length, duplicates: ids.length - fresh.length, skipped, plan };
}
