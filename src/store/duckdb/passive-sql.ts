// The passive rows of one telemetry import that can describe a device, folded per host, content
// and hour (a busy server's Server header is one service row an hour, not one per request). Each
// group comes back as one of its records, with the group's last time, size and first line.
import type { PassiveRecord } from '../identify.js';
import type { Db } from './connection.js';

type Raw = Record<string, unknown>;
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const fold = (r: Raw) => ({ ts: (r.ts as Date).getTime(), lastTs: (r.last_ts as Date).getTime(), events: Number(r.events), line: Number(r.line) });

const GROUP = `min(ts) AS ts, max(ts) AS last_ts, count(*) AS events, min(line) AS line`;

export async function passiveRecords(db: Db, importId: number): Promise<{ format: string; records: PassiveRecord[] }> {
  const imp = await db.one<{ format: string }>(`SELECT format FROM imports WHERE id = $1`, [importId]);
  const records: PassiveRecord[] = [];
  // Servers by their Server header, clients by their User-Agent.
  const servers = await db.all(
    `SELECT server, dport, server_header, any_value(client) AS client, ${GROUP} FROM http
     WHERE import_id = $1 AND server_header IS NOT NULL AND server_header <> ''
     GROUP BY server, dport, server_header, date_trunc('hour', ts) ORDER BY line`,
    [importId],
  );
  for (const r of servers)
    records.push({ kind: 'http', client: r.client as bigint, server: r.server as bigint, dport: optNum(r.dport), serverHeader: r.server_header as string, ...fold(r) });
  const clients = await db.all(
    `SELECT client, user_agent, any_value(server) AS server, ${GROUP} FROM http
     WHERE import_id = $1 AND user_agent IS NOT NULL AND user_agent <> ''
     GROUP BY client, user_agent, date_trunc('hour', ts) ORDER BY line`,
    [importId],
  );
  for (const r of clients) records.push({ kind: 'http', client: r.client as bigint, server: r.server as bigint, userAgent: r.user_agent as string, ...fold(r) });
  // TLS servers by their certificate, clients by the names they ask for.
  const certs = await db.all(
    `SELECT server, dport, cert_sha256, subject, issuer, any_value(client) AS client, ${GROUP} FROM tls
     WHERE import_id = $1 AND (cert_sha256 IS NOT NULL OR subject IS NOT NULL)
     GROUP BY server, dport, cert_sha256, subject, issuer, date_trunc('hour', ts) ORDER BY line`,
    [importId],
  );
  for (const r of certs) {
    records.push({
      kind: 'tls', client: r.client as bigint, server: r.server as bigint, dport: optNum(r.dport),
      certSha256: opt(r.cert_sha256), subject: opt(r.subject), issuer: opt(r.issuer), ...fold(r),
    });
  }
  const snis = await db.all(
    `SELECT client, sni, any_value(server) AS server, ${GROUP} FROM tls
     WHERE import_id = $1 AND sni IS NOT NULL AND sni <> '' GROUP BY client, sni, date_trunc('hour', ts) ORDER BY line`,
    [importId],
  );
  for (const r of snis) records.push({ kind: 'tls', client: r.client as bigint, server: r.server as bigint, sni: r.sni as string, ...fold(r) });
  // Report rows are one host each already (a daily scan or device report).
  const reports = await db.all(`SELECT * FROM reports WHERE import_id = $1 ORDER BY line`, [importId]);
  for (const r of reports) {
    const ts = (r.ts as Date).getTime();
    records.push({
      kind: 'report', ts, lastTs: ts, events: 1, line: Number(r.line), ip: r.ip as bigint, port: optNum(r.port), dstIp: opt(r.dst_ip),
      dstPort: optNum(r.dst_port), protocol: opt(r.protocol), asn: optNum(r.asn), geo: opt(r.geo), hostname: opt(r.hostname),
      reportType: r.report_type as string, compromised: Boolean(r.compromised), infection: opt(r.infection), family: opt(r.family),
      tag: opt(r.tag), deviceVendor: opt(r.device_vendor), deviceType: opt(r.device_type), deviceModel: opt(r.device_model),
      deviceVersion: opt(r.device_version), deviceId: opt(r.device_id), extra: r.extra ? JSON.parse(r.extra as string) : {},
    });
  }
  return { format: imp?.format ?? 'telemetry', records };
}
