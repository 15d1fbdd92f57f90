// What the mail stage keeps in the store: scanned messages, the remote resources in them, and the
// campaigns they were grouped into. Messages are keyed by the SHA-256 of their bytes, so scanning
// the same mail again adds nothing. The queries are in messages-sql.ts and campaigns-sql.ts.
import type { JudgingPassSize } from './judging-passes.js';

export type MailResourceKind = 'img' | 'css' | 'link' | 'iframe' | 'background' | 'anchor' | 'text';
export type MailVerdict = 'tracking' | 'marketing' | 'clean';

export interface MailMessageRecord {
  /** SHA-256 of the message's bytes. */
  sha256: string;
  /** Where it was first read: file, and byte offset of the message in its uncompressed content. */
  file: string;
  offset: number;
  messageId?: string;
  /** The Date header, epoch ms. */
  date?: number;
  subject: string;
  fromAddress?: string;
  fromName?: string;
  /** Return-Path: the envelope sender. */
  envelopeFrom?: string;
  /** d= of each DKIM-Signature, lower case. */
  dkimDomains: string[];
  /** The sending side of the Received chain: an address prefix or a domain. */
  relay?: string;
  /** The mailboxes it was delivered to. */
  recipients: string[];
  listId?: string;
  listUnsubscribe: boolean;
  /** Sender infrastructure: the signing (or envelope, or From) site and the relay, "site|relay". */
  infraKey: string;
  /** Hash of the text without its personal parts: look-alike messages share it. */
  template: string;
}

export interface MailResourceRecord {
  /** sha256 of the message it is in. */
  message: string;
  kind: MailResourceKind;
  /** The URL as written (entities decoded), then each redirect target unwrapped from it. */
  chain: string[];
  /** Host of the innermost URL. */
  host: string;
  /** Visible text of a link. */
  text?: string;
  width?: number;
  height?: number;
  hidden?: boolean;
  /** Why it is a beacon, as one message shows it (pixel, hidden, known-service:..., recipient-address, mismatch:...). */
  reasons: string[];
}

export interface MailCampaignRecord {
  /** Stable across recomputations: derived from the sender infrastructure key. */
  id: string;
  infraKey: string;
  verdict: MailVerdict;
  /** Why the verdict, one line per finding. */
  evidence: string[];
  messages: number;
  recipients: string[];
  /** Recipients' organisations: the sites of their addresses. */
  organisations: string[];
  firstDate?: number;
  lastDate?: number;
  /** Hosts whose resources are beacons (tokens, pixels, hidden resources, indicators), known services left out. */
  beaconHosts: string[];
  /** Hosts of known mail-tracking services seen in the campaign. */
  serviceHosts: string[];
  /** From addresses seen (at most 20). */
  senders: string[];
  /** Subjects seen (at most 20). */
  subjects: string[];
}

export interface MailCampaignFilter {
  verdict?: MailVerdict;
  limit?: number;
}

export interface MailCounts {
  messages: number;
  resources: number;
  campaigns: number;
}

/** Where a scan puts the messages it reads. */
export interface MailStaging {
  /** Messages in the order read, and each one's resources (in their order in the message). */
  add(messages: MailMessageRecord[], resources: Omit<MailResourceRecord, 'message'>[][]): Promise<void>;
  /**
   * Makes sure every message added is stored: once, as first read, with its resources. Returns
   * how many messages were added and how many of them were new, since the last call.
   */
  store(): Promise<{ staged: number; added: number }>;
  /** Drops what is added and not stored yet. */
  discard(): Promise<void>;
}

/** The mail stage's questions to the store (mailStore in store.ts). */
export interface MailStore {
  /** Where a scan puts the messages it reads (see MailStaging). */
  openStaging(): Promise<MailStaging>;
  /** The stored messages of these infrastructure keys (all when omitted), by key, then date. */
  messages(infraKeys?: string[]): Promise<MailMessageRecord[]>;
  /**
   * Every stored message with its resources (in their order in the message), one at a time,
   * grouped by infrastructure key and, within a key, ordered by template: what judging the
   * campaigns reads, in memory that does not grow with the store. `size` bounds how much of the
   * order is read and held at a time (judging-passes.ts PASS_SIZE by default).
   */
  judgingOrder(size?: JudgingPassSize): AsyncIterable<{ message: MailMessageRecord; resources: MailResourceRecord[] }>;
  /** Of these hosts, the ones that are an indicator in the store (domain, URL host or address), with the indicator and its source. */
  indicatorHosts(hosts: string[]): Promise<Map<string, { indicator: string; source: string }>>;
  /**
   * Replaces every campaign in one transaction, noting the newest indicator import they were
   * judged against. A campaign's messages are those of its infrastructure key.
   */
  replaceCampaigns(campaigns: MailCampaignRecord[], intelImport: number): Promise<void>;
  /** The indicator import the stored campaigns were judged against; undefined before the first. */
  campaignsJudgedWith(): Promise<number | undefined>;
  campaigns(filter?: MailCampaignFilter): Promise<MailCampaignRecord[]>;
  campaign(id: string): Promise<MailCampaignRecord | undefined>;
  /** The messages of a campaign, oldest first. */
  campaignMessages(id: string, limit?: number): Promise<MailMessageRecord[]>;
  counts(): Promise<MailCounts>;
}
