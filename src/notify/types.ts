// The shapes notification planning produces and the message builders and senders consume.
import type { EvidenceLine, NotifyChannel, VictimReportFields } from './outbox-store.js';
import type { Grade, Owner } from '../store/store.js';

/**
 * Why a victim is (or is not) in an owner's next message on a channel:
 * new: never reported on it; new-evidence: seen after the evidence already reported;
 * interval-elapsed: last reported at least interval_days ago; reported: within the interval, nothing new.
 */
export type DueReason = 'new' | 'new-evidence' | 'interval-elapsed' | 'reported';

export interface PlannedVictim {
  ip: string;
  asn?: number;
  asOrg?: string;
  country?: string;
  firstSeen: Date;
  lastSeen: Date;
  events: number;
  families: string[];
  /** Indicator values it was seen with (C2 addresses, domains). */
  indicators: string[];
  kinds: string[];
  grade: Grade;
  deviceId?: string;
  /** The latest compromised-report row about it (device fields), if any. */
  report?: VictimReportFields;
  /** Internal evidence lines (with file:line): shown in the plan, never sent to owners. */
  evidence: EvidenceLine[];
  /** Per channel the owner has. */
  due: Partial<Record<NotifyChannel, DueReason>>;
}

/** A message as it will be written to the outbox. */
export interface PlannedMessage {
  channel: NotifyChannel;
  recipients: string[];
  subject: string;
  /** The text part (email body, webhook `text`). */
  text: string;
  dedupeKey: string;
  messageId: string;
  /** The exact bytes stored and sent: nodemailer mail options (email) or the request body (webhook). */
  payload: string;
  victims: PlannedVictim[];
}

export interface OwnerPlan {
  /** Owner name, or "AS<n> <organisation>" for victims with no owner in the contact database. */
  owner: string;
  /** False for victims with no owner entry, and for owners with neither emails nor a webhook. */
  contact: boolean;
  /** The file entry, when there is one. */
  entry?: Owner;
  asn?: number;
  asOrg?: string;
  victims: PlannedVictim[];
  messages: PlannedMessage[];
}

export interface NotifyPlan {
  generatedAt: Date;
  since?: Date;
  owners: OwnerPlan[];
}

/** The email as stored in the outbox payload (nodemailer mail options, attachments as text). */
export interface EmailPayload {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; content: string }[];
}
