// The notify stage's queries, written once over the driver contract: the outbox, what each
// notification covered, and the reads behind planning (report fields, evidence, prior reports)
// and remediation. Every value is bound by the `sql` template.
import { formatIp, parseIp } from '../core/ip.js';
import { BotcensusError } from '../core/errors.js';
import type { Driver, Row } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type {
  DeliveryOutcome,
  EvidenceLine,
  NotificationFilter,
  NotificationRow,
  NotificationStatus,
  NotifiedVictim,
  NotifyChannel,
  NotifyStore,
  PriorReport,
  VictimReportFields,
} from './outbox-store.js';
import { opt, optNum } from '../store/row-values.js';

const since = (column: Sql, ms: number | undefined): Sql => (ms === undefined ? sql`TRUE` : sql`${column} >= ${sql.time(ms)}`);

/** The notify queries over a store's driver. */
export function notifyStore(store: { readonly driver: Driver }): NotifyStore {
  const d = store.driver;
  const q = d.dialect;
  return {
    async reportFields(from) {
      const rows = await d.all(
        sql`SELECT ip, port, protocol, hostname, infection, tag, device_vendor, device_type, device_model, device_version, device_id
            FROM reports WHERE compromised AND ${since(sql`ts`, from)}
            QUALIFY row_number() OVER (PARTITION BY ip ORDER BY ts DESC, import_id DESC, line DESC) = 1`,
      );
      return rows.map(
        (r): VictimReportFields => ({
          ip: formatIp(r.ip as bigint),
          port: optNum(r.port),
          protocol: opt(r.protocol),
          hostname: opt(r.hostname),
          infection: opt(r.infection),
          tag: opt(r.tag),
          deviceVendor: opt(r.device_vendor),
          deviceType: opt(r.device_type),
          deviceModel: opt(r.device_model),
          deviceVersion: opt(r.device_version),
          deviceId: opt(r.device_id),
        }),
      );
    },

    async evidence(from) {
      const rows = await d.all(
        sql`SELECT s.victim, s.kind, i.value AS indicator, ${q.listAgg(sql`i.tags`)} AS tags, min(s.detail) AS detail, min(s.first_seen) AS first_seen,
                   max(s.last_seen) AS last_seen, sum(s.events) AS events, im.file, min(s.first_line) AS first_line
            FROM sightings s LEFT JOIN indicators i ON i.id = s.indicator_id JOIN imports im ON im.id = s.import_id
            WHERE ${since(sql`s.last_seen`, from)}
            GROUP BY s.victim, s.kind, i.value, im.file ORDER BY s.victim, first_seen, s.kind, indicator`,
      );
      return rows.map(
        (r): EvidenceLine => ({
          ip: formatIp(r.victim as bigint),
          kind: r.kind as string,
          indicator: opt(r.indicator),
          tags: [...new Set(((r.tags as (string[] | null)[] | null) ?? []).flatMap((t) => t ?? []))].sort(),
          detail: opt(r.detail),
          firstSeen: r.first_seen as Date,
          lastSeen: r.last_seen as Date,
          events: Number(r.events),
          file: r.file as string,
          firstLine: optNum(r.first_line),
        }),
      );
    },

    async priorReports() {
      const rows = await d.all(
        sql`SELECT n.owner, n.channel, nv.victim, max(coalesce(n.sent_at, n.created_at)) AS last_at, max(nv.evidence_until) AS until
            FROM notification_victims nv JOIN notifications n ON n.id = nv.notification_id
            WHERE n.status IN ('pending', 'sent') GROUP BY n.owner, n.channel, nv.victim`,
      );
      return rows.map(
        (r): PriorReport => ({
          owner: r.owner as string,
          channel: r.channel as NotifyChannel,
          ip: formatIp(r.victim as bigint),
          lastNotifiedAt: r.last_at as Date,
          evidenceUntil: r.until as Date,
        }),
      );
    },

    async enqueue(messages, createdAt) {
      return d.atomically(async () => {
        const live = await d.all<{ dedupe_key: string }>(sql`SELECT dedupe_key FROM notifications WHERE status IN ('pending', 'sent')`);
        const seen = new Set(live.map((r) => r.dedupe_key));
        const next = await d.one<{ n: number | bigint }>(sql`SELECT coalesce(max(id), 0) + 1 AS n FROM notifications`);
        let id = Number(next!.n);
        const ids: (number | null)[] = [];
        const notifications: Row[] = [];
        const victims: Row[] = [];
        for (const m of messages) {
          if (seen.has(m.dedupeKey)) {
            ids.push(null);
            continue;
          }
          seen.add(m.dedupeKey);
          notifications.push({
            id,
            owner: m.owner,
            channel: m.channel,
            recipients: m.recipients,
            dedupe_key: m.dedupeKey,
            message_id: m.messageId,
            subject: m.subject,
            payload: m.payload,
            status: 'pending',
            created_at: createdAt,
            attempts: 0,
          });
          for (const x of m.victims) {
            const addr = parseIp(x.ip);
            if (addr === null) throw new BotcensusError('STORE', `notification for ${m.owner}: not an address: ${x.ip}`);
            victims.push({ notification_id: id, victim: addr, first_seen: x.firstSeen.getTime(), evidence_until: x.evidenceUntil.getTime(), events: x.events });
          }
          ids.push(id++);
        }
        await d.load(table('notifications'), notifications);
        await d.load(table('notification_victims'), victims);
        return ids;
      });
    },

    async pending() {
      return listNotifications(d, { status: 'pending' }, 'ASC');
    },

    async recordAttempt(id, outcome: DeliveryOutcome, maxAttempts) {
      if (outcome.ok) {
        await d.run(
          sql`UPDATE notifications SET status = 'sent', sent_at = ${sql.time(outcome.at)}, response = ${outcome.response}, attempts = attempts + 1, last_error = NULL
              WHERE id = ${id} AND status = 'pending'`,
        );
      } else {
        await d.run(
          sql`UPDATE notifications SET attempts = attempts + 1, last_error = ${outcome.error},
                status = CASE WHEN ${outcome.permanent} OR attempts + 1 >= ${maxAttempts} THEN 'failed' ELSE 'pending' END
              WHERE id = ${id} AND status = 'pending'`,
        );
      }
      const r = await d.one<{ status: string }>(sql`SELECT status FROM notifications WHERE id = ${id}`);
      if (!r) throw new BotcensusError('STORE', `no notification ${id}`);
      return r.status as NotificationStatus;
    },

    notifications(filter = {}) {
      return listNotifications(d, filter, 'DESC');
    },

    async notifiedVictims(at) {
      // First sent notification per victim; sightings after it count up to `at`, clamped to it.
      const atTime = sql.time(at);
      const rows = await d.all(
        sql`WITH firstn AS (
              SELECT nv.victim, ${q.argMin(sql`n.owner`, sql`n.sent_at`)} AS owner, min(n.sent_at) AS notified_at
              FROM notification_victims nv JOIN notifications n ON n.id = nv.notification_id
              WHERE n.status = 'sent' AND n.sent_at <= ${atTime} GROUP BY nv.victim),
            after AS (
              SELECT f.victim, max(least(s.last_seen, ${atTime})) AS last_after
              FROM firstn f JOIN sightings s ON s.victim = f.victim AND s.last_seen > f.notified_at AND s.first_seen <= ${atTime}
              GROUP BY f.victim)
            SELECT f.victim, f.owner, f.notified_at, a.last_after, h.country, h.asn, h.as_org
            FROM firstn f LEFT JOIN after a ON a.victim = f.victim LEFT JOIN hosts h ON h.ip = f.victim ORDER BY f.victim`,
      );
      return rows.map(
        (r): NotifiedVictim => ({
          ip: formatIp(r.victim as bigint),
          owner: r.owner as string,
          notifiedAt: r.notified_at as Date,
          lastSeenAfter: opt<Date>(r.last_after),
          country: opt(r.country),
          asn: optNum(r.asn),
          asOrg: opt(r.as_org),
        }),
      );
    },
  };
}

async function listNotifications(d: Driver, f: NotificationFilter, order: 'ASC' | 'DESC'): Promise<NotificationRow[]> {
  const where = [sql`TRUE`];
  if (f.owner !== undefined) where.push(sql`n.owner = ${f.owner}`);
  if (f.status !== undefined) where.push(sql`n.status = ${f.status}`);
  const rows = await d.all<Row>(
    sql`SELECT n.*, v.victims
        FROM notifications n
        LEFT JOIN (SELECT notification_id, ${d.dialect.listAgg(sql`victim`)} AS victims FROM notification_victims GROUP BY notification_id) v
          ON v.notification_id = n.id
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY n.id ${sql.raw(order === 'ASC' ? 'ASC' : 'DESC')} LIMIT ${f.limit ?? 1_000_000}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    owner: r.owner as string,
    channel: r.channel as NotifyChannel,
    recipients: (r.recipients as string[] | null) ?? [],
    dedupeKey: r.dedupe_key as string,
    messageId: r.message_id as string,
    subject: (r.subject as string | null) ?? '',
    payload: r.payload as string,
    status: r.status as NotificationStatus,
    createdAt: r.created_at as Date,
    sentAt: opt<Date>(r.sent_at),
    attempts: Number(r.attempts),
    response: opt(r.response),
    lastError: opt(r.last_error),
    victims: ((r.victims as bigint[] | null) ?? []).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(formatIp),
  }));
}
