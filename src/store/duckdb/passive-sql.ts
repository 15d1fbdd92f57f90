// The passive rows of one telemetry import that can describe a device, folded per host, content
// and hour (a busy server's Server header is one service row an hour, not one per request). Each
// group comes back as one of its records, with the group's last time, size and first line. They
// come in batches: a Shadowserver import of two million rows read at once took 4 GB of JavaScript
// heap, so nothing here holds more than one batch.
import type { PassiveRecord } from '../identify.js';
import type { Db, Param } from './connection.js';

type Raw = Record<string, unknown>;
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const fold = (r: Raw) => ({ ts: (r.ts as Date).getTime(), lastTs: (r.last_ts as Date).getTime(), events: Number(r.events), line: Number(r.line) });

const GROUP = `min(ts) AS ts, max(ts) AS last_ts, count(*) AS events, min(line) AS line`;

/** One kind of passive row: the query of its groups (ordered by line) and the record of a row. */
interface PassiveSource {
  /** `reportWhere`: the condition on report rows (see eachPassiveBatch); other sources ignore it. */
  sql: (reportWhere: string) => string;
  record: (r: Raw) => PassiveRecord;
}

const SOURCES: PassiveSource[] = [
  // Servers by their Server header, clients by their User-Agent.
  {
    sql: () => `SELECT server, dport, server_header, any_value(client) AS client, ${GROUP} FROM http
          WHERE import_id = $imp AND server_header IS NOT NULL AND server_header <> ''
          GROUP BY server, dport, server_header, date_trunc('hour', ts) ORDER BY line`,
    record: (r) => ({ kind: 'http', client: r.client as bigint, server: r.server as bigint, dport: optNum(r.dport), serverHeader: r.server_header as string, ...fold(r) }),
  },
  {
    sql: () => `SELECT client, user_agent, any_value(server) AS server, ${GROUP} FROM http
          WHERE import_id = $imp AND user_agent IS NOT NULL AND user_agent <> ''
          GROUP BY client, user_agent, date_trunc('hour', ts) ORDER BY line`,
    record: (r) => ({ kind: 'http', client: r.client as bigint, server: r.server as bigint, userAgent: r.user_agent as string, ...fold(r) }),
  },
  // TLS servers by their certificate, clients by the names they ask for.
  {
    sql: () => `SELECT server, dport, cert_sha256, subject, issuer, any_value(client) AS client, ${GROUP} FROM tls
          WHERE import_id = $imp AND (cert_sha256 IS NOT NULL OR subject IS NOT NULL)
          GROUP BY server, dport, cert_sha256, subject, issuer, date_trunc('hour', ts) ORDER BY line`,
    record: (r) => ({
      kind: 'tls', client: r.client as bigint, server: r.server as bigint, dport: optNum(r.dport),
      certSha256: opt(r.cert_sha256), subject: opt(r.subject), issuer: opt(r.issuer), ...fold(r),
    }),
  },
  {
    sql: () => `SELECT client, sni, any_value(server) AS server, ${GROUP} FROM tls
          WHERE import_id = $imp AND sni IS NOT NULL AND sni <> '' GROUP BY client, sni, date_trunc('hour', ts) ORDER BY line`,
    record: (r) => ({ kind: 'tls', client: r.client as bigint, server: r.server as bigint, sni: r.sni as string, ...fold(r) }),
  },
  // Report rows are one host each already (a daily scan or device report). `reportWhere` leaves
  // out the rows that cannot describe a device: a 2M-row sinkhole report has none that can, and
  // reading them back into JavaScript was a third of its import.
  {
    sql: (reportWhere) => `SELECT * FROM reports WHERE import_id = $imp AND ${reportWhere} ORDER BY line`,
    record: (r) => {
      const ts = (r.ts as Date).getTime();
      return {
        kind: 'report', ts, lastTs: ts, events: 1, line: Number(r.line), ip: r.ip as bigint, port: optNum(r.port), dstIp: opt(r.dst_ip),
        dstPort: optNum(r.dst_port), protocol: opt(r.protocol), asn: optNum(r.asn), geo: opt(r.geo), hostname: opt(r.hostname),
        reportType: r.report_type as string, compromised: Boolean(r.compromised), infection: opt(r.infection), family: opt(r.family),
        tag: opt(r.tag), deviceVendor: opt(r.device_vendor), deviceType: opt(r.device_type), deviceModel: opt(r.device_model),
        deviceVersion: opt(r.device_version), deviceId: opt(r.device_id), extra: r.extra ? JSON.parse(r.extra as string) : {},
      };
    },
  },
];

/**
 * Calls `each` with the import's passive records, at most `batch` at a time, in the order of the
 * sources above and by line within each. Each source's rows are first numbered into a temp table
 * in that order, and then read by number ranges.
 */
export async function eachPassiveBatch(
  db: Db,
  importId: number,
  batch: number,
  /** Report rows with no device_* column and none of these keys in `extra` are left out. */
  reportExtraKeys: string[] | undefined,
  each: (format: string, records: PassiveRecord[]) => Promise<void>,
): Promise<void> {
  const imp = await db.one<{ format: string }>(`SELECT format FROM imports WHERE id = $1`, [importId]);
  const format = imp?.format ?? 'telemetry';
  // The keys as JSON writes them ('"banner":'): a row whose extra text holds none has none of them.
  const keyed = (reportExtraKeys ?? []).map((k) => `contains(extra, '${JSON.stringify(k).replace(/'/g, "''")}:')`);
  const reportWhere = reportExtraKeys
    ? `(device_vendor IS NOT NULL OR device_type IS NOT NULL OR device_model IS NOT NULL OR device_version IS NOT NULL
        OR device_id IS NOT NULL${keyed.length ? ` OR ${keyed.join(' OR ')}` : ''})`
    : 'true';
  for (const source of SOURCES) {
    // Numbered rows, not row ids: inside a transaction a new table's row ids start far from 0.
    await db.run(`CREATE OR REPLACE TEMP TABLE passive_rows AS SELECT *, row_number() OVER (ORDER BY line) AS _n FROM (${source.sql(reportWhere)})`, { imp: importId });
    const n = Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM passive_rows`))!.n);
    for (let lo = 0; lo < n; lo += batch) {
      const p: Record<string, Param> = { lo, hi: lo + batch };
      const rows = await db.all(`SELECT * FROM passive_rows WHERE _n > $lo AND _n <= $hi ORDER BY _n`, p);
      await each(format, rows.map(source.record));
    }
  }
  await db.run(`DROP TABLE IF EXISTS passive_rows`);
}
