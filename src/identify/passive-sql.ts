// The passive rows of one telemetry import that can describe a device, folded per host, content
// and hour (a busy server's Server header is one service row an hour, not one per request), read
// in batches: a Shadowserver import of two million rows read at once took 4 GB of JavaScript
// heap, so nothing here holds more than one batch. Written once over the driver contract.
import type { Driver, Row } from '../store/driver.js';
import { c, type Table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type { PassiveRecord } from './store-types.js';
import { opt, optNum } from '../store/row-values.js';

const ms = (v: unknown) => (v as Date).getTime();

/** One folded group of HTTP or TLS rows: its hosts, up to three text fields, its time span, size and first line. */
const GROUPS: Table = {
  name: 'passive_groups',
  columns: [
    c('client', 'address'), c('server', 'address'), c('dport', 'uint16'), c('a', 'text'), c('b', 'text'), c('c', 'text'),
    c('ts', 'time', true), c('last_ts', 'time', true), c('events', 'int64', true), c('line', 'int32', true),
  ],
};

/** A kind of grouped row: how its groups are selected into GROUPS, and the record of a group. */
interface GroupedSource {
  select: (d: Driver, importId: number) => Sql;
  record: (r: Row) => PassiveRecord;
}

const fold = (r: Row) => ({ ts: ms(r.ts), lastTs: ms(r.last_ts), events: Number(r.events), line: Number(r.line) });

/**
 * The groups of `from` rows of one import where `where` holds, per `keys` and hour: the first
 * row's other host (by line) stands for the group.
 */
function grouped(d: Driver, importId: number, from: string, keys: { client?: true; server?: true; dport?: true; text: string[] }, where: Sql): Sql {
  const q = d.dialect;
  const col = (name: string) => sql.ident(name);
  const host = (name: 'client' | 'server') => (keys[name] ? col(name) : q.argMin(col(name), sql`line`));
  // Every column named apart from the columns read: an INSERT inside a ClickHouse batch reads this
  // as a subquery's `*`, where two unnamed NULLs would be one column.
  const texts = [0, 1, 2].map((i) => sql`${keys.text[i] ? col(keys.text[i]!) : sql`NULL`} AS ${sql.ident(`g_${'abc'[i]}`)}`);
  const groupBy = [
    ...(keys.client ? [col('client')] : []),
    ...(keys.server ? [col('server')] : []),
    ...(keys.dport ? [col('dport')] : []),
    ...keys.text.map(col),
    q.timeBucket('hour', sql`ts`),
  ];
  return sql`SELECT ${host('client')} AS g_client, ${host('server')} AS g_server, ${keys.dport ? col('dport') : sql`NULL`} AS g_dport, ${sql.join(texts)},
                    min(ts) AS g_ts, max(ts) AS g_last_ts, count(*) AS g_events, min(line) AS g_line
             FROM ${sql.ident(from)} WHERE import_id = ${importId} AND ${where} GROUP BY ${sql.join(groupBy)}`;
}

const GROUPED: GroupedSource[] = [
  // Servers by their Server header, clients by their User-Agent.
  {
    select: (d, imp) => grouped(d, imp, 'http', { server: true, dport: true, text: ['server_header'] }, sql`server_header IS NOT NULL AND server_header <> ''`),
    record: (r) => ({ kind: 'http', client: r.client as bigint, server: r.server as bigint, dport: optNum(r.dport), serverHeader: r.a as string, ...fold(r) }),
  },
  {
    select: (d, imp) => grouped(d, imp, 'http', { client: true, text: ['user_agent'] }, sql`user_agent IS NOT NULL AND user_agent <> ''`),
    record: (r) => ({ kind: 'http', client: r.client as bigint, server: r.server as bigint, userAgent: r.a as string, ...fold(r) }),
  },
  // TLS servers by their certificate, clients by the names they ask for.
  {
    select: (d, imp) =>
      grouped(d, imp, 'tls', { server: true, dport: true, text: ['cert_sha256', 'subject', 'issuer'] }, sql`(cert_sha256 IS NOT NULL OR subject IS NOT NULL)`),
    record: (r) => ({
      kind: 'tls', client: r.client as bigint, server: r.server as bigint, dport: optNum(r.dport),
      certSha256: opt(r.a), subject: opt(r.b), issuer: opt(r.c), ...fold(r),
    }),
  },
  {
    select: (d, imp) => grouped(d, imp, 'tls', { client: true, text: ['sni'] }, sql`sni IS NOT NULL AND sni <> ''`),
    record: (r) => ({ kind: 'tls', client: r.client as bigint, server: r.server as bigint, sni: r.a as string, ...fold(r) }),
  },
];

const DEVICE_COLUMNS = ['device_vendor', 'device_type', 'device_model', 'device_version', 'device_id'];

function reportRecord(r: Row): PassiveRecord {
  const ts = ms(r.ts);
  return {
    kind: 'report', ts, lastTs: ts, events: 1, line: Number(r.line), ip: r.ip as bigint, port: optNum(r.port), dstIp: opt(r.dst_ip),
    dstPort: optNum(r.dst_port), protocol: opt(r.protocol), asn: optNum(r.asn), geo: opt(r.geo), hostname: opt(r.hostname),
    reportType: r.report_type as string, compromised: Boolean(r.compromised), infection: opt(r.infection), family: opt(r.family),
    tag: opt(r.tag), deviceVendor: opt(r.device_vendor), deviceType: opt(r.device_type), deviceModel: opt(r.device_model),
    deviceVersion: opt(r.device_version), deviceId: opt(r.device_id), extra: r.extra ? (JSON.parse(r.extra as string) as Record<string, string>) : {},
  };
}

/**
 * Calls `each` with the rows of `rows(after, limit)` (rows with line > after, by line, at most
 * `limit`), at most about `batch` at a time, never splitting the rows of one line across batches.
 */
async function eachByLine(d: Driver, rows: (after: number, limit: number | null, onLine?: number) => Sql, batch: number, each: (rows: Row[]) => Promise<void>): Promise<void> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const got = await d.all(rows(after, batch));
    if (got.length === 0) return;
    let take = got;
    if (got.length === batch) {
      // The last line may go on past the limit: it is read whole in the next round.
      const last = Number(got[got.length - 1]!.line);
      take = got.filter((r) => Number(r.line) < last);
      if (take.length === 0) take = await d.all(rows(after, null, last));
    }
    await each(take);
    after = Number(take[take.length - 1]!.line);
  }
}

/**
 * Calls `each` with the import's passive records, at most about `batch` at a time, in the order of
 * the sources above and by line within each. Report rows with no device_* column and none of
 * `reportExtraKeys` in `extra` are left out.
 */
export async function eachPassiveBatch(
  d: Driver,
  importId: number,
  batch: number,
  reportExtraKeys: string[] | undefined,
  each: (format: string, records: PassiveRecord[]) => Promise<void>,
): Promise<void> {
  const imp = await d.one<{ format: string }>(sql`SELECT format FROM imports WHERE id = ${importId}`);
  const format = imp?.format ?? 'telemetry';
  const page = (from: Sql, where: Sql) => (after: number, limit: number | null, onLine?: number) =>
    sql`SELECT * FROM ${from} WHERE ${where} AND ${onLine === undefined ? sql`line > ${after}` : sql`line = ${onLine}`}
        ORDER BY line${limit === null ? sql.empty : sql` LIMIT ${limit}`}`;
  for (const source of GROUPED) {
    await d.withWorkTable(GROUPS, GROUPS.name, async (work) => {
      await d.run(sql`INSERT INTO ${work.ref} (${sql.join(GROUPS.columns.map((x) => sql.ident(x.name)))}) ${source.select(d, importId)}`);
      await eachByLine(d, page(work.ref, sql`1 = 1`), batch, (rows) => each(format, rows.map(source.record)));
    });
  }
  // Report rows are one host each already (a daily scan or device report). Rows that cannot
  // describe a device are left out in the query: a 2M-row sinkhole report has none that can, and
  // reading them back into JavaScript was a third of its import. `extra` is searched for each key
  // as JSON writes it ('"banner":').
  const keyed = (reportExtraKeys ?? []).map((k) => sql`extra LIKE ${`%${JSON.stringify(k)}:%`}`);
  const deviceRow = reportExtraKeys
    ? sql`(device_vendor IS NOT NULL OR device_type IS NOT NULL OR device_model IS NOT NULL OR device_version IS NOT NULL
          OR device_id IS NOT NULL${keyed.length ? sql` OR ${sql.join(keyed, sql` OR `)}` : sql.empty})`
    : sql`1 = 1`;
  // LIKE's `_` matches any character: the exact test on the text follows.
  const describes = (r: Row) =>
    !reportExtraKeys ||
    DEVICE_COLUMNS.some((k) => r[k] !== null && r[k] !== undefined) ||
    reportExtraKeys.some((k) => String(r.extra ?? '').includes(`${JSON.stringify(k)}:`));
  await eachByLine(d, page(sql`reports`, sql`import_id = ${importId} AND ${deviceRow}`), batch, (rows) =>
    each(format, rows.filter(describes).map(reportRecord)),
  );
}
