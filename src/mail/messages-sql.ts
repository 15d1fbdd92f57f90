// Scanned messages and their resources in the store, written once over the driver contract:
// staged a batch at a time (each message once, by the hash of its bytes), listed, and walked in
// the order judging the campaigns reads them, a page at a time.
import { BotcensusError } from '../core/errors.js';
import type { Driver, Row } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type { MailCounts, MailMessageRecord, MailResourceRecord, MailStaging } from './records.js';
import { list, opt } from '../store/row-values.js';

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

function messageRow(x: MailMessageRecord): Row {
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
  };
}

/**
 * Messages are stored as they are staged, a batch all at once, each batch skipping the hashes
 * stored already (probed with the batch's hashes, bound as one list): the store appends in
 * bounded memory. `store`
 * reports the counts since the last call.
 */
export async function openStaging(d: Driver): Promise<MailStaging> {
  let staged = 0;
  let added = 0;
  return {
    add: (messages, resources) =>
      d.atomically(async () => {
        const probe = await d.all<{ sha256: string }>(
          sql`SELECT m.sha256 FROM mail_messages m
              WHERE m.sha256 IN (SELECT ${d.dialect.unnest(sql`${messages.map((m) => m.sha256)}`)}) AND ${d.dialect.visibleRows(sql.ident('m'))}`,
        );
        const have = new Set(probe.map((r) => r.sha256));
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
 * Messages read per page of judgingOrder: the memory it holds does not grow with the store. Each
 * page costs a pass over the stored keys and resources, so larger pages judge a large store
 * sooner but hold more: at 1 GB of mail (563,000 messages), 119 s and a 155 MB JavaScript heap in
 * pages of 2,000, 99 s and 295 MB in pages of 10,000.
 */
const JUDGING_PAGE = 2000;

interface JudgingKey {
  infraKey: string;
  template: string;
  sha256: string;
}

/** Rows of alias `m` after `k` in judging order (infra key, template, hash); all rows when no key. */
function after(k: JudgingKey | undefined): Sql {
  if (!k) return sql`1 = 1`;
  return sql`(m.infra_key > ${k.infraKey} OR (m.infra_key = ${k.infraKey} AND (m.template > ${k.template} OR (m.template = ${k.template} AND m.sha256 > ${k.sha256}))))`;
}

/** Rows of alias `m` up to and including `k` in judging order. */
function upTo(k: JudgingKey): Sql {
  return sql`(m.infra_key < ${k.infraKey} OR (m.infra_key = ${k.infraKey} AND (m.template < ${k.template} OR (m.template = ${k.template} AND m.sha256 <= ${k.sha256}))))`;
}

/**
 * Every stored message with its resources (in their order in the message), grouped by
 * infrastructure key and, within a key, ordered by template; read a page at a time after the last
 * one read. A page's last key is found first over the three key columns alone, so that only the
 * page's own messages and resources are read whole and sorted.
 */
export async function* judgingOrder(d: Driver, page = JUDGING_PAGE): AsyncGenerator<{ message: MailMessageRecord; resources: MailResourceRecord[] }> {
  const visible = d.dialect.visibleRows(sql.ident('m'));
  let last: JudgingKey | undefined;
  for (;;) {
    const end = await d.one<{ infra_key: string; template: string; sha256: string }>(
      sql`SELECT m.infra_key, m.template, m.sha256 FROM mail_messages m WHERE ${visible} AND ${after(last)}
          ORDER BY m.infra_key, m.template, m.sha256 LIMIT 1 OFFSET ${page - 1}`,
    );
    const next: JudgingKey | undefined = end && { infraKey: end.infra_key, template: end.template, sha256: end.sha256 };
    const inPage = sql`${visible} AND ${after(last)} AND ${next ? upTo(next) : sql`1 = 1`}`;
    const rows = await d.all(sql`SELECT ${MESSAGE_SELECT} FROM mail_messages m WHERE ${inPage} ORDER BY m.infra_key, m.template, m.sha256`);
    if (!rows.length) return;
    const resources = await d.all(
      sql`SELECT r.message, r.kind, r.chain, r.host, r.link_text, r.width, r.height, r.hidden, r.reasons
          FROM mail_resources r
          WHERE r.message IN (SELECT m.sha256 FROM mail_messages m WHERE ${inPage}) AND ${d.dialect.visibleRows(sql.ident('r'))}
          ORDER BY r.message, r.position`,
    );
    const byMessage = new Map<string, MailResourceRecord[]>();
    for (const r of resources) {
      const x = resourceOf(r);
      const own = byMessage.get(x.message);
      if (own) own.push(x);
      else byMessage.set(x.message, [x]);
    }
    for (const row of rows) {
      const message = messageOf(row);
      yield { message, resources: byMessage.get(message.sha256) ?? [] };
      byMessage.delete(message.sha256);
    }
    // Resources left over belong to a message the page did not have: mail stored meanwhile.
    if (byMessage.size) throw new BotcensusError('STORE', 'mail was stored while the campaigns were judged; judge them again (botcensus mail judge)');
    if (!next) return;
    last = next;
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
