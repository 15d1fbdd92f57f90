// DuckDB implementation of the notify store contract: the outbox, what each notification covered,
// and the reads behind planning (report fields, evidence, prior reports) and remediation.
import { formatIp, parseIp } from '../../core/ip.js';
import { BotcensusError } from '../../core/errors.js';
import { table } from '../schema.js';
import type {
  DeliveryOutcome,
  EvidenceLine,
  NotificationFilter,
  NotificationRow,
  NotificationStatus,
  NotifiedVictim,
  NotifyChannel,
  NotifyStore,
  OutboxMessage,
  PriorReport,
  VictimReportFields,
} from '../notify.js';
import { TableAppender } from './appender.js';
import type { Db, Row } from './connection.js';

const iso = (ms: number | undefined, fallback: string) => (ms === undefined ? fallback : new Date(ms).toISOString());
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

export function createNotifyStore(db: Db): NotifyStore {
  return {
    async reportFields(since) {
      const rows = await db.all(
        `SELECT ip, port, protocol, hostname, infection, tag, device_vendor, device_type, device_model, device_version, device_id
         FROM reports WHERE compromised AND ts >= $since::TIMESTAMP
         QUALIFY row_number() OVER (PARTITION BY ip ORDER BY ts DESC, import_id DESC, line DESC) = 1`,
        { since: iso(since, '-infinity') },
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

    async evidence(since) {
      const rows = await db.all(
        `SELECT s.victim, s.kind, i.value AS indicator, list_distinct(flatten(list(coalesce(i.tags, [])))) AS tags, any_value(s.detail) AS detail, min(s.first_seen) AS first_seen,
                max(s.last_seen) AS last_seen, sum(s.events) AS events, im.file, min(s.first_line) AS first_line
         FROM sightings s LEFT JOIN indicators i ON i.id = s.indicator_id JOIN imports im ON im.id = s.import_id
         WHERE s.last_seen >= $since::TIMESTAMP
         GROUP BY s.victim, s.kind, i.value, im.file ORDER BY s.victim, first_seen, s.kind, indicator`,
        { since: iso(since, '-infinity') },
      );
      return rows.map(
        (r): EvidenceLine => ({
          ip: formatIp(r.victim as bigint),
          kind: r.kind as string,
          indicator: opt(r.indicator),
          tags: ((r.tags as string[] | null) ?? []).sort(),
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
      const rows = await db.all(
        `SELECT n.owner, n.channel, nv.victim, max(coalesce(n.sent_at, n.created_at)) AS last_at, max(nv.evidence_until) AS until
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
      return db.transaction(async () => {
        const live = await db.all<{ dedupe_key: string }>(`SELECT dedupe_key FROM notifications WHERE status IN ('pending', 'sent')`);
        const seen = new Set(live.map((r) => r.dedupe_key));
        const next = await db.one<{ n: number | bigint }>(`SELECT coalesce(max(id), 0) + 1 AS n FROM notifications`);
        let id = Number(next!.n);
        const ids: (number | null)[] = [];
        const n = await TableAppender.open(db, table('notifications'));
        const v = await TableAppender.open(db, table('notification_victims'));
        for (const m of messages) {
          if (seen.has(m.dedupeKey)) {
            ids.push(null);
            continue;
          }
          seen.add(m.dedupeKey);
          n.row({
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
            v.row({ notification_id: id, victim: addr, first_seen: x.firstSeen.getTime(), evidence_until: x.evidenceUntil.getTime(), events: x.events });
          }
          ids.push(id++);
        }
        n.flush();
        n.close();
        v.flush();
        v.close();
        return ids;
      });
    },

    async pending() {
      return listNotifications(db, { status: 'pending' }, 'ASC');
    },

    async recordAttempt(id, outcome: DeliveryOutcome, maxAttempts) {
      const at = new Date(outcome.at).toISOString();
      if (outcome.ok) {
        await db.run(
          `UPDATE notifications SET status = 'sent', sent_at = $at::TIMESTAMP, response = $response, attempts = attempts + 1, last_error = NULL
           WHERE id = $id AND status = 'pending'`,
          { id, at, response: outcome.response },
        );
      } else {
        await db.run(
          `UPDATE notifications SET attempts = attempts + 1, last_error = $error,
             status = CASE WHEN $permanent OR attempts + 1 >= $max THEN 'failed' ELSE 'pending' END
           WHERE id = $id AND status = 'pending'`,
          { id, error: outcome.error, permanent: outcome.permanent, max: maxAttempts },
        );
      }
      const r = await db.one<{ status: string }>(`SELECT status FROM notifications WHERE id = $1`, [id]);
      if (!r) throw new BotcensusError('STORE', `no notification ${id}`);
      return r.status as NotificationStatus;
    },

    notifications(filter = {}) {
      return listNotifications(db, filter, 'DESC');
    },

    async notifiedVictims(at) {
      // First sent notification per victim; sightings after it count up to `at`, clamped to it.
      const rows = await db.all(
        `WITH firstn AS (
           SELECT nv.victim, arg_min(n.owner, n.sent_at) AS owner, min(n.sent_at) AS notified_at
           FROM notification_victims nv JOIN notifications n ON n.id = nv.notification_id
           WHERE n.status = 'sent' AND n.sent_at <= $at::TIMESTAMP GROUP BY nv.victim),
         after AS (
           SELECT f.victim, max(least(s.last_seen, $at::TIMESTAMP)) AS last_after
           FROM firstn f JOIN sightings s ON s.victim = f.victim AND s.last_seen > f.notified_at AND s.first_seen <= $at::TIMESTAMP
           GROUP BY f.victim)
         SELECT f.victim, f.owner, f.notified_at, a.last_after, h.country, h.asn, h.as_org
         FROM firstn f LEFT JOIN after a USING (victim) LEFT JOIN hosts h ON h.ip = f.victim ORDER BY f.victim`,
        { at: new Date(at).toISOString() },
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

async function listNotifications(db: Db, f: NotificationFilter, order: 'ASC' | 'DESC'): Promise<NotificationRow[]> {
  const rows = await db.all<Row>(
    `SELECT n.*, coalesce((SELECT list(nv.victim ORDER BY nv.victim) FROM notification_victims nv WHERE nv.notification_id = n.id), []) AS victims
     FROM notifications n
     WHERE ($owner IS NULL OR n.owner = $owner) AND ($status IS NULL OR n.status = $status)
     ORDER BY n.id ${order === 'ASC' ? 'ASC' : 'DESC'} LIMIT $limit`,
    { owner: f.owner ?? null, status: f.status ?? null, limit: f.limit ?? 1_000_000 },
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
    victims: (r.victims as bigint[]).map(formatIp),
  }));
}
