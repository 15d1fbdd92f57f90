// Mailboxes for tests: generated ordinary mail in an mbox (gzip) and a covert campaign's messages
// in their recipients' Maildirs, written under a folder the test owns.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mailboxes, ordinaryMail, Random, toMbox, trackingCampaign, type GeneratedMessage, type TokenPlacement } from '../src/mail/corpus.js';

export interface TestMailboxes {
  dir: string;
  ordinary: GeneratedMessage[];
  campaign: GeneratedMessage[];
  targets: string[];
}

export function writeTestMailboxes(dir: string, opts: { ordinary: number; recipients: number; placement?: TokenPlacement; seed?: number; subject?: string }): TestMailboxes {
  const rnd = new Random(opts.seed ?? 1);
  const boxes = mailboxes(Math.max(60, opts.recipients * 2));
  const ordinary = ordinaryMail(opts.ordinary, boxes, rnd);
  const targets = boxes.slice(0, opts.recipients);
  let campaign = trackingCampaign(targets, opts.placement ?? 'query', rnd);
  if (opts.subject) campaign = campaign.map((m) => ({ ...m, raw: m.raw.replace(/^Subject: .*$/m, `Subject: ${opts.subject}`) }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'archive.mbox.gz'), gzipSync(toMbox(ordinary)));
  for (const m of campaign) {
    for (const sub of ['cur', 'new']) mkdirSync(join(dir, m.recipient, sub), { recursive: true });
    writeFileSync(join(dir, m.recipient, 'cur', `${m.messageId}:2,S`), m.raw);
  }
  return { dir, ordinary, campaign, targets };
}
