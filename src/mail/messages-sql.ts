// Scanned messages and their resources in the store, written once over the driver contract:
// staged a batch at a time (each message once, by the hash of its bytes), listed, and walked in
// the order judging the campaigns reads them, a pass at a time.
import { createHash } from 'node:crypto';
import { BotcensusError } from '../core/errors.js';
import type { Driver, Row } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type { MailCounts, MailMessageRecord, MailResourceRecord, MailStaging } from './records.js';
import { list, opt } from '../store/row-values.js';
import { inPass, planPasses, type JudgingPassSize } from './judging-passes.js';
import { collectGarbageAbove } from '../core/heap.js';

const ms = (v: unknown): number | undefined => (v instanceof Date ? v.getTime() : undefined);
/** A stored bool: true/false on DuckDB, 1/0 on ClickHouse. */
const bool = (v: unknown): boolean => v === true || v === 1 || v === 1n;

const MESSAGE_COLUMNS = [
  'sha256', 'file', 'byte_offset', 'message_id', 'sent_at', 'subject', 'from_address', 'from_name', 'envelope_from',
  'dkim_domains', 'relay', 'recipients', 'list_id', 'list_unsubscribe', 'infra_key', 'template',
];

/** The message columns, of the table alias `m`. */
export const MESSAGE_SELECT: Sql = sql.join(MESSAGE_COLUMNS.map((c) => sql.ident('m', c)));

export function messageOf(r: Row): MailMessageRecord {
  return {
    sha256: r.sha256 as string,
    file: r.file as string,
    offset: Number(r.byte_offset),
    messageId: opt(r.message_id),
    date: ms(r.sent_at),
    subject: (r.subject as string | null) ?? '',
    fromAddress: opt(r.from_address),
    fromName: opt(r.from_name),
    envelopeFrom: opt(r.envelope_from),
    dkimDomains: list(r.dkim_domains),
    relay: opt(r.relay),
    recipients: list(r.recipients),
    listId: opt(r.list_id),
    listUnsubscribe: bool(r.list_unsubscribe),
    infraKey: r.infra_key as string,
    template: r.template as string,
  };
}

function resourceOf(r: Row): MailResourceRecord {
  return {
    message: r.message as string,
    kind: r.kind as MailResourceRecord['kind'],
    chain: list(r.chain),
    host: r.host as string,
    text: opt(r.link_text),
    width: opt<number | null>(r.width) ?? undefined,
    height: opt<number | null>(r.height) ?? undefined,
    hidden: bool(r.hidden),
    reasons: list(r.reasons),
  };
}

/** A message as a row of mail_messages. */
export function messageRow(x: MailMessageRecord): Row {
  return {
    sha256: x.sha256,
    file: x.file,
    byte_offset: x.offset,
    message_id: x.messageId,
    sent_at: x.date,
    subject: x.subject,
    from_address: x.fromAddress,
    from_name: x.fromName,
    envelope_from: x.envelopeFrom,
    dkim_domains: x.dkimDomains,
    relay: x.relay,
    recipients: x.recipients,
    list_id: x.listId,
    list_unsubscribe: x.listUnsubscribe,
    infra_key: x.infraKey,
    template: x.template,
    sha_key: shaKey(x.sha256),
  };
}

/**
 * The integer key of a message's hash (stored in sha_key): the first 60 bits of the SHA-256 of its
 * text, so that any text gets an evenly spread, positive key.
 */
export const shaKey = (sha256: string): bigint => BigInt(`0x${createHash('sha256').update(sha256).digest('hex').slice(0, 15)}`);

/**
 * Which of these hashes are stored. The integer sha_key column is compared with the hashes' keys,
 * a scan that stays cheap as the store grows where comparing the stored hash text did not; only
 * the rows it matches (none, for new mail) are compared by their hash. `unkeyed`: messages stored
 * before sha_key existed are there, and compared by their hash too.
 */
async function storedHashes(d: Driver, hashes: string[], unkeyed: boolean): Promise<Set<string>> {
  const keys = sql.list([...new Set(hashes)].map((h) => sql.typed(shaKey(h), 'count')));
  const orUnkeyed = unkeyed ? sql` OR m.sha_key IS NULL` : sql.empty;
  const rows = await d.all<{ sha256: string }>(
    sql`SELECT m.sha256 FROM mail_messages m WHERE (m.sha_key IN ${keys}${orUnkeyed}) AND ${d.dialect.visibleRows(sql.ident('m'))}`,
  );
  const asked = new Set(hashes);
  return new Set(rows.map((r) => r.sha256).filter((h) => asked.has(h)));
}

/**
 * Messages are stored as they are staged, a batch all at once, each batch skipping the hashes
 * stored already (storedHashes): the store appends in bounded memory. A message's resources are
 * stored with its infrastructure key and template, so that judging reads them by range. `store`
 * reports the counts since the last call.
 */
export async function openStaging(d: Driver): Promise<MailStaging> {
  const unkeyed = (await d.one(sql`SELECT 1 AS x FROM mail_messages m WHERE m.sha_key IS NULL AND ${d.dialect.visibleRows(sql.ident('m'))} LIMIT 1`)) !== undefined;
  let staged = 0;
  let added = 0;
  return {
    add: (messages, resources) =>
      d.atomically(async () => {
        const have = await storedHashes(d, messages.map((m) => m.sha256), unkeyed);
        const messageRows: Row[] = [];
        const resourceRows: Row[] = [];
        messages.forEach((x, i) => {
          staged++;
          if (have.has(x.sha256)) return;
          have.add(x.sha256);
          added++;
          messageRows.push(messageRow(x));
          (resources[i] ?? []).forEach((y, position) =>
            resourceRows.push({
              message: x.sha256, position, kind: y.kind, chain: y.chain, host: y.host, link_text: y.text,
              width: y.width, height: y.height, hidden: y.hidden ?? false, reasons: y.reasons,
              infra_key: x.infraKey, template: x.template,
            }),
          );
        });
        if (messageRows.length) await d.load(table('mail_messages'), messageRows);
        if (resourceRows.length) await d.load(table('mail_resources'), resourceRows);
      }),
    store: async () => {
      const out = { staged, added };
      staged = 0;
      added = 0;
      return out;
    },
    discard: async () => undefined,
  };
}

/** The stored messages of these infrastructure keys (all when omitted), by key, then date. */
export async function messages(d: Driver, infraKeys?: string[]): Promise<MailMessageRecord[]> {
  const only = infraKeys ? sql`AND m.infra_key IN ${sql.list(infraKeys)}` : sql.empty;
  const rows = await d.all(
    sql`SELECT ${MESSAGE_SELECT} FROM mail_messages m WHERE ${d.dialect.visibleRows(sql.ident('m'))} ${only}
        ORDER BY m.infra_key, m.sent_at NULLS LAST, m.sha256`,
  );
  return rows.map(messageOf);
}

/**
 * The heap a judging pass may leave behind (its rows read, now garbage) before it is collected: the
 * heap's peak stays near what is live (the campaigns' state) plus one pass.
 */
const HEAP_AFTER_PASS = 48 << 20;

/**
 * Every stored message with its resources (in their order in the message), grouped by
 * infrastructure key and, within a key, ordered by template: read in the passes planned by
 * judging-passes.ts, each sorted on its own.
 */
export async function* judgingOrder(d: Driver, size?: JudgingPassSize): AsyncGenerator<{ message: MailMessageRecord; resources: MailResourceRecord[] }> {
  const visible = (t: string) => d.dialect.visibleRows(sql.ident(t));
  // Resources stored before they carried their message's keys are found through their messages.
  const unkeyed = await d.one(sql`SELECT 1 AS x FROM mail_resources r WHERE r.infra_key IS NULL AND ${visible('r')} LIMIT 1`);
  for (const pass of await planPasses(d, size)) {
    const messagesIn = sql`${inPass(pass, 'm', 'sha256')} AND ${visible('m')}`;
    const rows = await d.all(sql`SELECT ${MESSAGE_SELECT} FROM mail_messages m WHERE ${messagesIn} ORDER BY m.infra_key, m.template, m.sha256`);
    const viaMessages = unkeyed ? sql` OR (r.infra_key IS NULL AND r.message IN (SELECT m.sha256 FROM mail_messages m WHERE ${messagesIn}))` : sql.empty;
    const resources = await d.all(
      sql`SELECT r.message, r.kind, r.chain, r.host, r.link_text, r.width, r.height, r.hidden, r.reasons
          FROM mail_resources r
          WHERE (${inPass(pass, 'r', 'message')}${viaMessages}) AND ${visible('r')}
          ORDER BY r.message, r.position`,
    );
    const byMessage = new Map<string, MailResourceRecord[]>();
    for (const r of resources) {
      const x = resourceOf(r);
      const own = byMessage.get(x.message);
      if (own) own.push(x);
      else byMessage.set(x.message, [x]);
    }
    resources.length = 0;
    for (let i = 0; i < rows.length; i++) {
      const message = messageOf(rows[i]!);
      rows[i] = {};
      yield { message, resources: byMessage.get(message.sha256) ?? [] };
      byMessage.delete(message.sha256);
    }
    // Resources left over belong to a message the pass did not have: mail stored meanwhile.
    if (byMessage.size) throw new BotcensusError('STORE', 'mail was stored while the campaigns were judged; judge them again (botcensus mail judge)');
    collectGarbageAbove(HEAP_AFTER_PASS);
  }
}

/** Messages and resources stored. */
export async function messageCounts(d: Driver): Promise<Omit<MailCounts, 'campaigns'>> {
  const count = async (name: string) => {
    const r = await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM ${sql.ident(name)} t WHERE ${d.dialect.visibleRows(sql.ident('t'))}`);
    return Number(r?.n ?? 0);
  };
  return { messages: await count('mail_messages'), resources: await count('mail_resources') };
}
