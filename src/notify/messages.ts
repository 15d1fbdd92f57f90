// Builds one owner's message on one channel from its due victims: text from the language's
// template, the victims as CSV or JSON, a dedupe key and a deterministic message id. Everything
// is fixed here, before the outbox, so a message re-sent after a crash is the same message.
import { createHash } from 'node:crypto';
import type { NotifyChannel } from './outbox-store.js';
import type { Owner } from '../store/store.js';
import { CSV_COLUMNS, victimRow, victimsCsv } from './csv.js';
import { template, type ListPlace } from './templates.js';
import type { EmailPayload, PlannedMessage, PlannedVictim } from './types.js';
import { signBody } from './webhook.js';

const DAY = 86_400_000;

export interface MessageOptions {
  /** Envelope and From: address, e.g. "CERT-XX <cert@example.org>". */
  from?: string;
  /** Who signs the text. */
  sender?: string;
  /** When the message is built (epoch ms): its Date and the reminder period in its dedupe key. */
  now: number;
}

/** The stored payload of a webhook message: the exact body and its signature, computed once. */
export interface WebhookPayload {
  url: string;
  body: string;
  signature: string;
}

/**
 * Same owner, channel, recipients, victims and evidence in the same reminder period give the
 * same key. The period (now / interval) makes a reminder after the interval a new message.
 */
export function dedupeKey(owner: Owner, channel: NotifyChannel, recipients: string[], victims: PlannedVictim[], now: number): string {
  const period = Math.floor(now / (owner.intervalDays * DAY));
  const ids = victims.map((v) => `${v.ip}@${v.lastSeen.toISOString()}`).sort();
  return createHash('sha256').update(JSON.stringify([owner.name, channel, [...recipients].sort(), ids, period])).digest('hex');
}

/** `<botcensus.KEY@domain-of-from>`: derived from the dedupe key, so re-sends carry the same Message-ID. */
export function emailMessageId(key: string, from: string | undefined): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from ?? '')?.[1] ?? 'botcensus.invalid';
  return `<botcensus.${key.slice(0, 32)}@${domain}>`;
}

function context(owner: Owner, victims: PlannedVictim[], place: ListPlace, o: MessageOptions) {
  const families = [...new Set(victims.flatMap((v) => v.families).filter((f) => f !== 'unknown'))].sort();
  const from = new Date(Math.min(...victims.map((v) => v.firstSeen.getTime())));
  const to = new Date(Math.max(...victims.map((v) => v.lastSeen.getTime())));
  return { owner: owner.name, count: victims.length, families, from, to, intervalDays: owner.intervalDays, place, sender: o.sender };
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'owner';
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');

export function buildEmail(owner: Owner, victims: PlannedVictim[], o: MessageOptions): PlannedMessage {
  const t = template(owner.language);
  const ctx = context(owner, victims, owner.format, o);
  const key = dedupeKey(owner, 'email', owner.emails, victims, o.now);
  const messageId = emailMessageId(key, o.from);
  const csv = victimsCsv(victims);
  const base = `botcensus-${slug(owner.name)}-${stamp(o.now)}`;
  let text = t.text(ctx);
  const attachments: EmailPayload['attachments'] = [];
  if (owner.format === 'csv-inline') text += `\n\n${csv}`;
  else if (owner.format === 'csv-attachment') attachments.push({ filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: csv });
  else attachments.push({ filename: `${base}.json`, contentType: 'application/json', content: JSON.stringify(victims.map(victimRow), null, 2) + '\n' });
  const subject = t.subject(ctx);
  const payload: EmailPayload & { date: string } = {
    from: o.from ?? '',
    to: owner.emails,
    subject,
    text,
    messageId,
    date: new Date(o.now).toUTCString(),
    // RFC 3834: keeps vacation responders from answering; the key lets a ticket system thread re-sends.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Botcensus-Notification': key },
    attachments,
  };
  return { channel: 'email', recipients: owner.emails, subject, text, dedupeKey: key, messageId, payload: JSON.stringify(payload), victims };
}

export function buildWebhook(owner: Owner, victims: PlannedVictim[], o: MessageOptions): PlannedMessage {
  const url = owner.webhookUrl!;
  const t = template(owner.language);
  const ctx = context(owner, victims, 'webhook', o);
  const key = dedupeKey(owner, 'webhook', [url], victims, o.now);
  const messageId = `botcensus.${key.slice(0, 32)}`;
  const subject = t.subject(ctx);
  const text = t.text(ctx);
  const body = JSON.stringify({
    type: 'botcensus.notification',
    id: messageId,
    owner: owner.name,
    language: owner.language,
    generated_at: new Date(o.now).toISOString(),
    subject,
    text,
    columns: CSV_COLUMNS,
    victims: victims.map(victimRow),
    ...(owner.format === 'json' ? {} : { csv: victimsCsv(victims) }),
  });
  const payload: WebhookPayload = { url, body, signature: signBody(body, owner.webhookSecret ?? '') };
  return { channel: 'webhook', recipients: [url], subject, text, dedupeKey: key, messageId, payload: JSON.stringify(payload), victims };
}
