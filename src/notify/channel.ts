// What a delivery channel is: something that sends one stored outbox row and says how it went.
import type { NotificationRow, NotifyChannel } from './outbox-store.js';

export interface Channel {
  readonly name: NotifyChannel;
  /** Sends the row's payload as stored; resolves with the receiver's answer, throws DeliveryError. */
  send(row: NotificationRow): Promise<string>;
  close?(): Promise<void> | void;
}

/** A failed delivery: permanent ones (SMTP 5xx, HTTP 4xx) are not retried by later runs. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
