// botcensus mail scan: reads every message under the given paths, keeps its facts and resources
// (once per content hash), reports malformed messages with file and offset and goes on, then
// judges the campaigns again over everything stored. Messages are stored as they are parsed, a
// batch at a time (see the store's MailStaging).
import { BotcensusError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { MailCampaignRecord, MailStore, MailVerdict } from './records.js';
import { linkCampaigns } from './campaigns.js';
import { CampaignJudge } from './judge.js';
import type { MessageFacts } from './message.js';
import { ParsePool } from './parse-pool.js';
import { mailFiles, readMailFile, type MailProblem } from './sources.js';
import { mailStore } from './store.js';

export interface MailScanOptions {
  /** Bytes read so far in the current file (uncompressed), for a progress display. */
  onProgress?: (file: string, bytes: number) => void;
  /** Each malformed message or unreadable file, as it is met. */
  onProblem?: (p: MailProblem) => void;
  /** Called when every file is read, before what was read is stored. */
  onStoring?: () => void;
  /** Called when what was read is stored, before the campaigns are judged. */
  onJudging?: () => void;
  /** Messages written to the store at a time (default 500). */
  batch?: number;
  /** Worker threads parsing messages (default: see parse-pool.ts; 0 parses on this thread). */
  workers?: number;
}

/** Messages, and their bytes, handed to the parse pool and not yet stored, at most. */
const MAX_INFLIGHT = 256;
const MAX_INFLIGHT_BYTES = 64 << 20;

export interface MailScanResult {
  files: number;
  messages: number;
  /** Messages stored for the first time. */
  added: number;
  /** Messages stored already (the same bytes). */
  duplicates: number;
  problems: MailProblem[];
  campaigns: Record<MailVerdict, number>;
}

export async function scanMail(store: Store, paths: string[], opts: MailScanOptions = {}): Promise<MailScanResult> {
  const files = mailFiles(paths);
  const result: MailScanResult = { files: files.length, messages: 0, added: 0, duplicates: 0, problems: [], campaigns: { tracking: 0, marketing: 0, clean: 0 } };
  const problem = (p: MailProblem) => {
    result.problems.push(p);
    opts.onProblem?.(p);
  };
  const size = opts.batch ?? 500;
  let batch: MessageFacts[] = [];
  const staging = await mailStore(store).openStaging();
  const flush = async () => {
    if (!batch.length) return;
    await staging.add(batch, batch.map((m) => m.resources));
    batch = [];
  };
  const pool = new ParsePool(opts.workers);
  // Parsed in the pool, stored in the order read. Each promise is settled into a value at once,
  // so a malformed message waiting its turn is not an unhandled rejection.
  const inflight: { file: string; offset: number; size: number; result: Promise<{ facts: MessageFacts } | { err: unknown }> }[] = [];
  let inflightBytes = 0;
  const settleOne = async () => {
    const next = inflight.shift()!;
    inflightBytes -= next.size;
    const r = await next.result;
    if ('facts' in r) {
      batch.push(r.facts);
      result.messages++;
    } else if (r.err instanceof BotcensusError) problem({ file: next.file, offset: next.offset, reason: r.err.message.replace(/^malformed message at byte \d+: /, '') });
    else throw r.err;
    if (batch.length >= size) await flush();
  };
  try {
    for (const file of files) {
      let offset = 0;
      try {
        for await (const raw of readMailFile(file, problem, (n) => opts.onProgress?.(file, n))) {
          offset = raw.offset;
          inflight.push({ file, offset: raw.offset, size: raw.bytes.length, result: pool.parse(raw).then((facts) => ({ facts }), (err: unknown) => ({ err })) });
          inflightBytes += raw.bytes.length;
          while (inflight.length >= MAX_INFLIGHT || inflightBytes > MAX_INFLIGHT_BYTES) await settleOne();
        }
      } catch (err) {
        // A file that breaks off (a truncated gzip stream, a read error): what was read is kept.
        problem({ file, offset, reason: `reading stopped: ${(err as Error).message}` });
      }
    }
    while (inflight.length) await settleOne();
  } catch (err) {
    await staging.discard();
    throw err;
  } finally {
    await pool.close();
  }
  // Malformed messages are known when parsed, after later files may have been opened: listed in reading order.
  const order = new Map(files.map((f, i) => [f, i]));
  result.problems.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.offset - b.offset);
  await flush();
  opts.onStoring?.();
  const stored = await staging.store();
  result.added = stored.added;
  result.duplicates = stored.staged - stored.added;
  opts.onJudging?.();
  const judged = await mailStore(store).campaignsJudgedWith();
  if (result.added > 0 || judged === undefined) await judgeCampaigns(store);
  for (const c of await mailStore(store).campaigns()) result.campaigns[c.verdict]++;
  return result;
}

/** Hosts asked about at a time: which of them are indicators in the store. */
const HOSTS_PER_LOOKUP = 5000;

/**
 * Groups every stored message into campaigns and judges them, against the store's indicators now.
 * Messages are read one at a time, campaign by campaign (judge.ts): memory does not grow with the
 * number of messages, in the store or in a campaign. `mail` is the store's mail queries (a test
 * may watch them).
 */
export async function judgeCampaigns(store: Store, hostsPerLookup = HOSTS_PER_LOOKUP, mail: MailStore = mailStore(store)): Promise<void> {
  const campaigns: MailCampaignRecord[] = [];
  const lookup = (hosts: string[]) => mail.indicatorHosts(hosts);
  let judge: CampaignJudge | undefined;
  const finish = async () => {
    if (!judge) return;
    await judge.checkHosts(lookup);
    campaigns.push(judge.finish());
  };
  for await (const { message, resources } of mail.judgingOrder()) {
    if (judge?.infraKey !== message.infraKey) {
      await finish();
      judge = new CampaignJudge(message.infraKey);
    }
    judge.add(message, resources);
    if (judge.uncheckedHosts >= hostsPerLookup) await judge.checkHosts(lookup);
  }
  await finish();
  linkCampaigns(campaigns);
  await mail.replaceCampaigns(campaigns, await store.lastIndicatorImport());
}
