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
  // No row numbers in the statement: a window over the whole file costs more than the rest of
  // the conversion. The rows go in as the file orders them (a plain projection of the reader, and
  // DuckDB preserves insertion order), so line numbers follow from the row ids afterwards.
  await db.run(
    `INSERT INTO flows BY NAME
     SELECT $imp AS import_id, 0 AS line, ts, ${te} AS te, src, dst, sport, dport, proto, bytes, packets
     FROM (
       SELECT *, coalesce(${ts}, error('not a time: ' || ${c(l.start)})) AS ts,
              coalesce(ip_num(trim(${c(l.src)})), error('not an IP address: ' || ${c(l.src)})) AS src,
              coalesce(ip_num(trim(${c(l.dst)})), error('not an IP address: ' || ${c(l.dst)})) AS dst,
              ${num(l.sport, 'USMALLINT', 'a port')} AS sport,
              ${num(l.dport, 'USMALLINT', 'a port')} AS dport,
              ${l.proto === undefined ? 'NULL' : PROTO.replace(/\bp\b/g, c(l.proto))} AS proto,
              ${num(l.bytes, 'UBIGINT', 'a count')} AS bytes,
              ${num(l.packets, 'UBIGINT', 'a count')} AS packets
       FROM read_csv($file, header = true, delim = ',', quote = '', escape = '', auto_detect = false,
                     columns = {${columns}}, null_padding = false))`,
    { imp: importId, file },
  );
  await db.run(`UPDATE flows SET line = rowid - (SELECT min(rowid) FROM flows WHERE import_id = $imp) + 2 WHERE import_id = $imp`, {
    imp: importId,
  });
  const r = await db.one<{ n: bigint; lo: Date | null; hi: Date | null }>(
    `SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM flows WHERE import_id = $imp`,
    { imp: importId },
  );
  return { rows: Number(r!.n), minTs: r!.lo ?? undefined, maxTs: r!.hi ?? undefined };
}
