// Mail campaigns in the store, written once over the driver contract: replaced whole after each
// judging (with the indicator import they were judged against, in `meta`), listed, and the
// indicators the hosts of their resources are.
import type { Driver, Row } from '../store/driver.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import { MESSAGE_SELECT, messageOf } from './messages-sql.js';
import type { MailCampaignFilter, MailCampaignRecord, MailMessageRecord, MailVerdict } from './records.js';
import { list } from '../store/row-values.js';

const JUDGED_WITH = 'mail_campaigns_intel';
/** The judging whose campaigns readers see (absent in a store judged before campaigns carried one). */
const CURRENT_JUDGING = 'mail_campaigns_judging';

const ms = (v: unknown): number | undefined => (v instanceof Date ? v.getTime() : undefined);

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
 * Replaces every campaign all at once, noting the newest indicator import they were judged
 * against: the campaigns are written under a new judging number, which becomes the one readers
 * see. An engine with transactions deletes the earlier judgings' rows in the same transaction;
 * on one without (ClickHouse, whose deletes are asynchronous) they stay, unseen.
 */
export function replaceCampaigns(d: Driver, campaigns: MailCampaignRecord[], intelImport: number): Promise<void> {
  return d.atomically(async () => {
    const judging = await d.nextId('mail_campaigns', 'judging');
    if (d.can('transactions')) await d.run(sql`DELETE FROM mail_campaigns`);
    await writeMeta(d, JUDGED_WITH, String(intelImport));
    await writeMeta(d, CURRENT_JUDGING, String(judging));
    await d.load(
      table('mail_campaigns'),
      campaigns.map((x) => ({
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
        judging,
      })),
    );
  });
}

/** The indicator import the stored campaigns were judged against; undefined before the first. */
export async function campaignsJudgedWith(d: Driver): Promise<number | undefined> {
  const v = await readMeta(d, JUDGED_WITH);
  return v === undefined ? undefined : Number(v);
}

/** A condition on alias `c`: the campaign is one of the current judging's. */
export async function currentCampaigns(d: Driver): Promise<Sql> {
  const judging = Number((await readMeta(d, CURRENT_JUDGING)) ?? 0);
  return sql`coalesce(c.judging, 0) = ${judging} AND ${d.dialect.visibleRows(sql.ident('c'))}`;
}

/** Campaigns, tracking first, then marketing, then clean; the largest first within a verdict. */
export async function campaigns(d: Driver, filter: MailCampaignFilter = {}): Promise<MailCampaignRecord[]> {
  const verdict = filter.verdict ? sql`AND c.verdict = ${filter.verdict}` : sql.empty;
  const rows = await d.all(
    sql`SELECT * FROM mail_campaigns c WHERE ${await currentCampaigns(d)} ${verdict}
        ORDER BY CASE c.verdict WHEN 'tracking' THEN 0 WHEN 'marketing' THEN 1 ELSE 2 END, c.messages DESC, c.id
        LIMIT ${filter.limit ?? 1_000_000}`,
  );
  return rows.map(campaignOf);
}

/** How many campaigns the current judging found. */
export async function campaignCount(d: Driver): Promise<number> {
  const r = await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM mail_campaigns c WHERE ${await currentCampaigns(d)}`);
  return Number(r?.n ?? 0);
}

export async function campaign(d: Driver, id: string): Promise<MailCampaignRecord | undefined> {
  const r = await d.one(sql`SELECT * FROM mail_campaigns c WHERE c.id = ${id} AND ${await currentCampaigns(d)}`);
  return r ? campaignOf(r) : undefined;
}

/**
 * Of these hosts, the ones that are a detection indicator (domain, URL host or address), with the
 * indicator and its source (the earliest stored). A domain indicator covers its subdomains (the
 * host's suffixes are compared with the indicators' domains by equality); an address indicator
 * matches the literal host only.
 */
export async function indicatorHosts(d: Driver, hosts: string[]): Promise<Map<string, { indicator: string; source: string }>> {
  const out = new Map<string, { indicator: string; source: string }>();
  if (!hosts.length) return out;
  const q = d.dialect;
  const rows = await d.all<{ host: string; indicator: string; source: string }>(
    sql`SELECT h.host AS host, ${q.argMin(sql`i.value`, sql`i.id`)} AS indicator, ${q.argMin(sql`i.source`, sql`i.id`)} AS source
        FROM (
          SELECT host, ${q.unnest(q.domainSuffixes(sql`host`))} AS name
          FROM (SELECT ${q.unnest(sql`${hosts}`)} AS host) hs
        ) h
        JOIN (
          SELECT i.id AS id, i.value AS value, i.source AS source, coalesce(i.domain, i.value) AS name,
                 CASE WHEN i.domain IS NULL THEN 1 ELSE 0 END AS literal
          FROM indicators i
          WHERE i.for_detection = 1 AND (i.domain IS NOT NULL OR i.type IN ('ip', 'cidr')) AND ${q.visibleRows(sql.ident('i'))}
        ) i ON i.name = h.name
        WHERE i.literal = 0 OR h.name = h.host
        GROUP BY h.host`,
  );
  for (const r of rows) out.set(r.host, { indicator: r.indicator, source: r.source });
  return out;
}

/** The messages of a campaign (those of its infrastructure key), oldest first. */
export async function campaignMessages(d: Driver, id: string, limit = 1000): Promise<MailMessageRecord[]> {
  const rows = await d.all(
    sql`SELECT ${MESSAGE_SELECT} FROM mail_messages m
        WHERE m.infra_key IN (SELECT c.infra_key FROM mail_campaigns c WHERE c.id = ${id} AND ${await currentCampaigns(d)})
          AND ${d.dialect.visibleRows(sql.ident('m'))}
        ORDER BY m.sent_at NULLS LAST, m.sha256 LIMIT ${limit}`,
  );
  return rows.map(messageOf);
}
