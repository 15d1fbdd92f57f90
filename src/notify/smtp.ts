// The email channel: SMTP through nodemailer. STARTTLS is used whenever the server offers it
// (nodemailer's default for smtp://; smtps:// is TLS from the start). Any nodemailer option can be
// given as a URL query parameter, e.g. ?requireTLS=true, or ?tls.rejectUnauthorized=false for a
// relay with a self-signed certificate.
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import { BotcensusError } from '../core/errors.js';
import type { NotificationRow } from './outbox-store.js';
import { DeliveryError, type Channel } from './channel.js';
import type { EmailPayload } from './types.js';

export interface SmtpOptions {
  /** smtp://user:pass@host:port or smtps://... */
  url: string;
  tls?: ConnectionOptions;
  /** Connection, greeting and socket timeouts (default 30 s). */
  timeoutMs?: number;
}

/** Checks an SMTP URL up front, so a typo is a usage error rather than a failed delivery per message. */
export function checkSmtpUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BotcensusError('USAGE', `not an SMTP URL: ${JSON.stringify(redact(url))} (smtp://user:pass@host:port)`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new BotcensusError('USAGE', `SMTP URL must start with smtp:// or smtps://, not ${u.protocol}//`);
  if (!u.hostname) throw new BotcensusError('USAGE', 'SMTP URL has no host');
}

/** The URL with its password hidden, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

export function smtpChannel(o: SmtpOptions): Channel {
  checkSmtpUrl(o.url);
  const timeout = o.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    url: o.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(o.tls ? { tls: o.tls } : {}),
  });
  return {
    name: 'email',
    async send(row: NotificationRow): Promise<string> {
      const p = JSON.parse(row.payload) as EmailPayload & { date?: string };
      if (!p.from) throw new DeliveryError('no From: address (give --from or BOTCENSUS_FROM)', false);
      try {
        const info = await transport.sendMail({
          from: p.from,
          to: p.to,
          subject: p.subject,
          text: p.text,
          messageId: p.messageId,
          date: p.date ? new Date(p.date) : undefined,
          headers: p.headers,
          attachments: p.attachments,
        });
        const rejected = (info.rejected ?? []).map(String);
        return `${info.response}${rejected.length ? `; rejected: ${rejected.join(', ')}` : ''}`;
      } catch (err) {
        const e = err as Error & { code?: string; responseCode?: number };
        // A 5xx about this message or its recipients will not change on retry; a refused login
        // or a lost connection is the relay's or the configuration's problem, so it is retried.
        const permanent = (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && (e.responseCode ?? 0) >= 500;
        throw new DeliveryError(`${e.code ? e.code + ': ' : ''}${e.message}`, permanent, { cause: err });
      }
    },
    close() {
      transport.close();
    },
  };
}
