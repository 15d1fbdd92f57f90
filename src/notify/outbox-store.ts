// The notify part of the store contract: the outbox of notifications, what each one covered, and
// the facts notification planning and remediation tracking read.

export type NotifyChannel = 'email' | 'webhook';
/** pending: written to the outbox, not yet delivered; sent: delivered; failed: refused for good. */
export type NotificationStatus = 'pending' | 'sent' | 'failed';

/** The latest compromised-report row about a victim: the device fields of a Shadowserver-style CSV. */
export interface VictimReportFields {
  ip: string;
  port?: number;
  protocol?: string;
  hostname?: string;
  infection?: string;
  tag?: string;
  deviceVendor?: string;
  deviceType?: string;
  deviceModel?: string;
  deviceVersion?: string;
  deviceId?: string;
}

/** One evidence line of a victim: sightings grouped by indicator, kind and source file. */
export interface EvidenceLine {
  ip: string;
  kind: string;
  indicator?: string;
  /** The indicator's tags (tier, role), as the intel gave them. */
  tags: string[];
  detail?: string;
  firstSeen: Date;
  lastSeen: Date;
  events: number;
  file: string;
  firstLine?: number;
}

/** The last time a victim was reported to an owner on a channel (pending or sent notifications). */
export interface PriorReport {
  owner: string;
  channel: NotifyChannel;
  ip: string;
  /** When the latest notification including it was sent (or queued, while pending). */
  lastNotifiedAt: Date;
  /** The latest sighting time any notification to this owner and channel already covered. */
  evidenceUntil: Date;
}

/** A victim as included in a notification. */
export interface OutboxVictim {
  ip: string;
  firstSeen: Date;
  /** The victim's last sighting as reported in this message. */
  evidenceUntil: Date;
  events: number;
}

/** A message ready to send, written to the outbox before any delivery is attempted. */
export interface OutboxMessage {
  owner: string;
  channel: NotifyChannel;
  recipients: string[];
  /** Same owner, channel, recipients, victims and evidence give the same key: queued once. */
  dedupeKey: string;
  /** Deterministic, so a message re-sent after a crash carries the same id. */
  messageId: string;
  subject: string;
  /** The rendered message (JSON text), sent byte for byte as stored. */
  payload: string;
  victims: OutboxVictim[];
}

export interface NotificationRow {
  id: number;
  owner: string;
  channel: NotifyChannel;
  recipients: string[];
  dedupeKey: string;
  messageId: string;
  subject: string;
  payload: string;
  status: NotificationStatus;
  createdAt: Date;
  sentAt?: Date;
  attempts: number;
  /** What the receiver answered (SMTP response, HTTP status). */
  response?: string;
  lastError?: string;
  /** Addresses included. */
  victims: string[];
}

export interface NotificationFilter {
  owner?: string;
  status?: NotificationStatus;
  limit?: number;
}

/** Outcome of one delivery attempt of an outbox row. */
export type DeliveryOutcome =
  | { ok: true; at: number; response: string }
  | { ok: false; at: number; error: string; /** true: never retried; false: retried by a later run until maxAttempts. */ permanent: boolean };

/** A victim's first successful notification and the sightings after it, up to a reference time. */
export interface NotifiedVictim {
  ip: string;
  /** The owner the first notification went to. */
  owner: string;
  notifiedAt: Date;
  /** Latest sighting after notifiedAt known at the reference time (clamped to it), if any. */
  lastSeenAfter?: Date;
  country?: string;
  asn?: number;
  asOrg?: string;
}

export interface NotifyStore {
  /** Latest compromised-report row per victim address among rows at or after `since` (epoch ms). */
  reportFields(since?: number): Promise<VictimReportFields[]>;
  /** Evidence lines of every victim with sightings ending at or after `since`. */
  evidence(since?: number): Promise<EvidenceLine[]>;
  /** Per owner, channel and victim: the latest pending or sent notification that included it. */
  priorReports(): Promise<PriorReport[]>;
  /**
   * Writes messages to the outbox as pending, in one transaction. A message whose dedupe key is
   * already pending or sent is skipped. Returns each message's new id, or null for a skipped one.
   */
  enqueue(messages: OutboxMessage[], createdAt: number): Promise<(number | null)[]>;
  /** Pending outbox rows, oldest first. */
  pending(): Promise<NotificationRow[]>;
  /** Records one delivery attempt: sent, still pending (transient error) or failed. */
  recordAttempt(id: number, outcome: DeliveryOutcome, maxAttempts: number): Promise<NotificationStatus>;
  notifications(filter?: NotificationFilter): Promise<NotificationRow[]>;
  /** Victims with a sent notification at or before `at`, with their first notification and later sightings. */
  notifiedVictims(at: number): Promise<NotifiedVictim[]>;
}
