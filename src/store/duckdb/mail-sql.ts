// DuckDB implementation of the mail store contract: messages, resources and campaigns.
import { BotcensusError } from '../../core/errors.js';
import { table } from '../schema.js';
import type { MailCampaignRecord, MailMessageRecord, MailResourceRecord, MailStaging, MailStore, MailVerdict } from '../mail.js';
import { TableAppender } from './appender.js';
import type { Db, Row } from './connection.js';

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
const ms = (v: unknown): number | undefined => (v instanceof Date ? v.getTime() : undefined);
const list = (v: unknown): string[] => (v as string[] | null) ?? [];
/** A list of strings as one parameter (read back with from_json). */
const jsonList = (xs: string[]) => JSON.stringify(xs);

const MESSAGE_COLUMNS = `sha256, file, byte_offset, message_id, sent_at, subject, from_address, from_name, envelope_from, dkim_domains, relay, recipients, list_id, list_unsubscribe, infra_key, template`;

function messageOf(r: Row): MailMessageRecord {
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
    listUnsubscribe: r.list_unsubscribe as boolean,
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
    width: opt(r.width),
    height: opt(r.height),
    hidden: (r.hidden as boolean | null) ?? false,
    reasons: list(r.reasons),
  };
}

/** Rows one at a time from a stream of chunks. */
async function* rows(chunks: AsyncIterable<Row[]>): AsyncGenerator<Row> {
  for await (const chunk of chunks) yield* chunk;
}

function campaignOf(r: Row): MailCampaignRecord {
  return {
    id: r.id as string,
    infraKey: r.infra_key as string,
    verdict: r.verdict as MailVerdict,
    evidence: list(r.evidence),
    messages: Number(r.messages),
    recipients: list(r.recipients),
    organisations: list(r.organisations),
    firstDate: ms(r.first_date),
    lastDate: ms(r.last_date),
    beaconHosts: list(r.beacon_hosts),
    serviceHosts: list(r.service_hosts),
    senders: list(r.senders),
    subjects: list(r.subjects),
  };
}

/**
 * Messages are stored as they are staged, a batch per transaction, each batch skipping the hashes
 * stored already (found by probing the stored hash column with the batch's): DuckDB appends to
 * its tables in bounded memory. `store` reports the counts since the last call.
 */
async function openStaging(db: Db): Promise<MailStaging> {
  let staged = 0;
  let added = 0;
  return {
    add: (messages, resources) =>
      db.transaction(async () => {
        const have = new Set(
          (
            await db.all<{ sha256: string }>(`SELECT sha256 FROM mail_messages WHERE sha256 IN (SELECT unnest(from_json($list, '["VARCHAR"]')))`, {
              list: jsonList(messages.map((m) => m.sha256)),
            })
          ).map((r) => r.sha256),
        );
        const m = await TableAppender.open(db, table('mail_messages'));
        const r = await TableAppender.open(db, table('mail_resources'));
        messages.forEach((x, i) => {
          staged++;
          if (have.has(x.sha256)) return;
          have.add(x.sha256);
          added++;
          m.row(messageRow(x));
          (resources[i] ?? []).forEach((y, position) =>
            r.row({ message: x.sha256, position, kind: y.kind, chain: y.chain, host: y.host, link_text: y.text, width: y.width, height: y.height, hidden: y.hidden ?? false, reasons: y.reasons }),
          );
        });
        m.close();
        r.close();
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

function messageRow(x: MailMessageRecord): Record<string, unknown> {
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

export function createMailStore(db: Db): MailStore {
  return {
    openStaging: () => openStaging(db),

    async messages(infraKeys) {
      const rows = await db.all(
        `SELECT ${MESSAGE_COLUMNS} FROM mail_messages
         WHERE $keys IS NULL OR infra_key IN (SELECT unnest(from_json($keys, '["VARCHAR"]')))
         ORDER BY infra_key, sent_at NULLS LAST, sha256`,
        { keys: infraKeys ? jsonList(infraKeys) : null },
      );
      return rows.map(messageOf);
    },

    async *judgingOrder() {
      // Two result streams on connections of their own, walked side by side in the same order;
      // the store's own connection stays free for the indicator questions asked meanwhile.
      const messages = await db.reader();
      const resources = await db.reader();
      try {
        const ms = await messages.conn.stream(`SELECT ${MESSAGE_COLUMNS} FROM mail_messages ORDER BY infra_key, template, sha256`);
        const rs = await resources.conn.stream(
          `SELECT r.message, r.kind, r.chain, r.host, r.link_text, r.width, r.height, r.hidden, r.reasons
           FROM mail_resources r JOIN mail_messages m ON m.sha256 = r.message
           ORDER BY m.infra_key, m.template, r.message, r.position`,
        );
        const res = rows(rs.yieldRowObjectJs());
        let next = await res.next();
        for await (const row of rows(ms.yieldRowObjectJs())) {
          const message = messageOf(row);
          const own: MailResourceRecord[] = [];
          for (; !next.done && next.value.message === message.sha256; next = await res.next()) own.push(resourceOf(next.value));
          yield { message, resources: own };
        }
        // Resources left over belong to a message the first stream did not have: mail stored meanwhile.
        if (!next.done) throw new BotcensusError('STORE', 'mail was stored while the campaigns were judged; judge them again (botcensus mail judge)');
      } finally {
        messages.close();
        resources.close();
      }
    },

    async indicatorHosts(hosts) {
      const out = new Map<string, { indicator: string; source: string }>();
      if (!hosts.length) return out;
      // A domain indicator covers its subdomains; a URL indicator its host; an address indicator the literal host.
      const rows = await db.all<{ host: string; indicator: string; source: string }>(
        `WITH h AS (SELECT unnest(from_json($hosts, '["VARCHAR"]')) AS host)
         SELECT h.host, arg_min(i.value, i.id) AS indicator, arg_min(i.source, i.id) AS source
         FROM h JOIN indicators i ON (
              (i.domain IS NOT NULL AND (h.host = i.domain OR h.host LIKE '%.' || i.domain))
           OR (i.type IN ('ip', 'cidr') AND h.host = i.value))
         WHERE i.for_detection
         GROUP BY h.host`,
        { hosts: jsonList(hosts) },
      );
      for (const r of rows) out.set(r.host, { indicator: r.indicator, source: r.source });
      return out;
    },

    async replaceCampaigns(campaigns, intelImport) {
      await db.transaction(async () => {
        await db.run(`INSERT OR REPLACE INTO meta VALUES ('mail_campaigns_intel', $v)`, { v: String(intelImport) });
        await db.run(`DELETE FROM mail_campaigns`);
        const c = await TableAppender.open(db, table('mail_campaigns'));
        for (const x of campaigns)
          c.row({
            id: x.id,
            infra_key: x.infraKey,
            verdict: x.verdict,
            evidence: x.evidence,
            messages: x.messages,
            recipients: x.recipients,
            organisations: x.organisations,
            first_date: x.firstDate,
            last_date: x.lastDate,
            beacon_hosts: x.beaconHosts,
            service_hosts: x.serviceHosts,
            senders: x.senders,
            subjects: x.subjects,
          });
        c.close();
      });
    },

    async campaignsJudgedWith() {
      const r = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'mail_campaigns_intel'`);
      return r ? Number(r.value) : undefined;
    },

    async campaigns(filter = {}) {
      const rows = await db.all(
        `SELECT * FROM mail_campaigns WHERE $verdict IS NULL OR verdict = $verdict
         ORDER BY CASE verdict WHEN 'tracking' THEN 0 WHEN 'marketing' THEN 1 ELSE 2 END, messages DESC, id
         LIMIT $limit`,
        { verdict: filter.verdict ?? null, limit: filter.limit ?? 1_000_000 },
      );
      return rows.map(campaignOf);
    },

    async campaign(id) {
      const r = await db.one(`SELECT * FROM mail_campaigns WHERE id = $id`, { id });
      return r ? campaignOf(r) : undefined;
    },

    async campaignMessages(id, limit = 1000) {
      const rows = await db.all(
        `SELECT ${MESSAGE_COLUMNS.split(', ').map((c) => 'm.' + c).join(', ')} FROM mail_campaigns c JOIN mail_messages m ON m.infra_key = c.infra_key
         WHERE c.id = $id ORDER BY m.sent_at NULLS LAST, m.sha256 LIMIT $limit`,
        { id, limit },
      );
      return rows.map(messageOf);
    },

    async counts() {
      const r = await db.one<{ m: bigint; r: bigint; c: bigint }>(
        `SELECT (SELECT count(*) FROM mail_messages) AS m, (SELECT count(*) FROM mail_resources) AS r, (SELECT count(*) FROM mail_campaigns) AS c`,
      );
      return { messages: Number(r!.m), resources: Number(r!.r), campaigns: Number(r!.c) };
    },
  };
}
