// The webhook channel: a JSON POST signed with HMAC-SHA256 of the exact body
// (`X-Botcensus-Signature: sha256=<hex>`), retried with bounded exponential backoff when the
// receiver is unreachable or answers 408, 429 or 5xx.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationRow } from './outbox-store.js';
import { DeliveryError, type Channel } from './channel.js';

export const SIGNATURE_HEADER = 'X-Botcensus-Signature';
/** The message id, the same on every re-send: receivers dedupe on it. */
export const DELIVERY_HEADER = 'X-Botcensus-Delivery';

export function signBody(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** For receivers (and tests): constant-time check of a signature header against the body. */
export function verifySignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from('sha256=' + createHmac('sha256', secret).update(body).digest('hex'));
  const got = Buffer.from(header);
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface WebhookOptions {
  /** Tries per message within one run (default 4). */
  attempts?: number;
  /** First retry delay; doubles each time (default 1000 ms). */
  baseDelayMs?: number;
  /** Ceiling of one delay (default 30 s). */
  maxDelayMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export function webhookChannel(o: WebhookOptions = {}): Channel {
  const attempts = Math.max(1, o.attempts ?? 4);
  const base = o.baseDelayMs ?? 1000;
  const ceiling = o.maxDelayMs ?? 30_000;
  return {
    name: 'webhook',
    async send(row: NotificationRow): Promise<string> {
      const { url, body, signature } = JSON.parse(row.payload) as { url: string; body: string; signature: string };
      let last = '';
      for (let i = 1; i <= attempts; i++) {
        if (i > 1) await sleep(Math.min(base * 2 ** (i - 2), ceiling));
        let status: number;
        try {
          const res = await fetch(url, {
            method: 'POST',
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
            headers: { 'Content-Type': 'application/json', 'User-Agent': 'botcensus', [SIGNATURE_HEADER]: signature, [DELIVERY_HEADER]: row.messageId },
          });
          status = res.status;
          await res.arrayBuffer().catch(() => undefined);
        } catch (err) {
          last = `${(err as Error).message}${(err as Error).cause ? ` (${String(((err as Error).cause as Error).message ?? (err as Error).cause)})` : ''}`;
          continue;
        }
        if (status >= 200 && status < 300) return `HTTP ${status}${i > 1 ? ` after ${i} attempts` : ''}`;
        last = `HTTP ${status}`;
        if (!retryable(status)) throw new DeliveryError(`${last}${status >= 300 && status < 400 ? ' (redirect: update webhook_url)' : ''}`, true);
      }
      throw new DeliveryError(`${last} after ${attempts} attempts`, false);
    },
  };
}
