// The flow CSV fast path: DuckDB reads the file itself (parallel, vectorised) and converts each
// column in SQL. Any value it cannot convert makes the statement fail, the transaction rolls
// back, and the caller reads the file line by line instead, which reports each bad line.
import type { FlowCsvLayout } from '../store.js';
import type { Db } from './connection.js';

const PROTO = `CASE lower(trim(p)) WHEN '6' THEN 'tcp' WHEN '17' THEN 'udp' WHEN '1' THEN 'icmp' WHEN '58' THEN 'ipv6-icmp'
  WHEN '2' THEN 'igmp' WHEN '41' THEN 'ipv6' WHEN '47' THEN 'gre' WHEN '50' THEN 'esp' WHEN '51' THEN 'ah' WHEN '132' THEN 'sctp'
  WHEN 'icmp6' THEN 'ipv6-icmp' WHEN 'icmpv6' THEN 'ipv6-icmp' ELSE nullif(lower(trim(p)), '') END`;

/** A converted value, or an error (which aborts the statement) when the text is not blank. */
function strict(expr: string, col: string, what: string): string {
  return `CASE WHEN nullif(trim(${col}), '') IS NULL THEN NULL
               ELSE coalesce(${expr}, error('not ' || '${what}: ' || ${col})) END`;
}

/** Inserts the file's rows into `flows`; returns the row count and time range. */
export async function loadFlowCsv(db: Db, importId: number, file: string, l: FlowCsvLayout): Promise<{ rows: number; minTs?: Date; maxTs?: Date }> {
  const c = (i: number | undefined) => (i === undefined ? 'NULL' : `"c${i}"`);
  const columns = l.names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const ts =
    l.startKind === 'epoch-ms'
      ? `make_timestamp((TRY_CAST(${c(l.start)} AS DOUBLE) * 1000)::BIGINT)`
      : `TRY_CAST(${c(l.start)} AS TIMESTAMP)`;
  const te =
    l.end !== undefined
      ? l.startKind === 'epoch-ms'
        ? `make_timestamp((TRY_CAST(${c(l.end)} AS DOUBLE) * 1000)::BIGINT)`
        : `TRY_CAST(${c(l.end)} AS TIMESTAMP)`
      : l.duration !== undefined
        ? `ts + to_microseconds((TRY_CAST(${c(l.duration)} AS DOUBLE) * 1e6)::BIGINT)`
        : 'NULL';
  const num = (i: number | undefined, type: string, what: string) =>
    i === undefined ? 'NULL' : strict(`TRY_CAST(trim(${c(i)}) AS ${type})`, c(i), what);
  // Addresses repeat across flows: each distinct text is converted once and joined back.
  await db.run(
    `INSERT INTO flows BY NAME
     WITH raw AS MATERIALIZED (
       SELECT row_number() OVER () + 1 AS line, *
       FROM read_csv($file, header = true, delim = ',', quote = '', escape = '', auto_detect = false,
                     columns = {${columns}}, null_padding = false)),
     addr AS (
       SELECT a, coalesce(ip_num(trim(a)), error('not an IP address: ' || a)) AS n
       FROM (SELECT ${c(l.src)} AS a FROM raw UNION SELECT ${c(l.dst)} FROM raw))
     SELECT $imp AS import_id, line, ts, ${te} AS te, src, dst, sport, dport, proto, bytes, packets
     FROM (
       SELECT raw.*, s.n AS src, d.n AS dst,
              coalesce(${ts}, error('not a time: ' || ${c(l.start)})) AS ts,
              ${num(l.sport, 'USMALLINT', 'a port')} AS sport,
              ${num(l.dport, 'USMALLINT', 'a port')} AS dport,
              ${l.proto === undefined ? 'NULL' : PROTO.replace(/\bp\b/g, c(l.proto))} AS proto,
              ${num(l.bytes, 'UBIGINT', 'a count')} AS bytes,
              ${num(l.packets, 'UBIGINT', 'a count')} AS packets
       FROM raw JOIN addr s ON s.a = raw.${c(l.src)} JOIN addr d ON d.a = raw.${c(l.dst)})`,
    { imp: importId, file },
  );
  const r = await db.one<{ n: bigint; lo: Date | null; hi: Date | null }>(
    `SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM flows WHERE import_id = $imp`,
    { imp: importId },
  );
  return { rows: Number(r!.n), minTs: r!.lo ?? undefined, maxTs: r!.hi ?? undefined };
}
