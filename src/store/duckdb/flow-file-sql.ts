// The flow file fast path (nfdump CSV, Parquet): DuckDB reads the file itself (parallel,
// vectorised) and converts each column in SQL. Any value it cannot convert makes the statement fail, the transaction rolls
// back, and the caller reads the file line by line instead, which reports each bad line.
import type { FlowCandidateFiles, FlowCsvLayout, FlowFileColumns, FlowTimeKind, NearRuns } from '../store.js';
import { IPV6_NEAR_SHIFT } from '../../core/flow-near.js';
import type { Db, Param } from './connection.js';
import { table } from '../schema.js';
import { derivedSelect } from './migrate.js';
import { addressFromParts, addressParts, IPV4_LAST, IPV4_MAPPED } from './macros.js';
import { notePrefilteredAdded } from '../prefiltered-files.js';
import { DuckDbDriver } from './driver.js';

const PROTO = `CASE lower(trim(p)) WHEN '6' THEN 'tcp' WHEN '17' THEN 'udp' WHEN '1' THEN 'icmp' WHEN '58' THEN 'ipv6-icmp'
  WHEN '2' THEN 'igmp' WHEN '41' THEN 'ipv6' WHEN '47' THEN 'gre' WHEN '50' THEN 'esp' WHEN '51' THEN 'ah' WHEN '132' THEN 'sctp'
  WHEN 'icmp6' THEN 'ipv6-icmp' WHEN 'icmpv6' THEN 'ipv6-icmp' ELSE nullif(lower(trim(p)), '') END`;

/**
 * A converted value, or an error (which aborts the statement) when the text is not blank. No
 * trimming: a padded value fails here and the line reader, which trims, takes the file.
 */
function strict(expr: string, col: string, what: string): string {
  return `coalesce(${expr}, CASE WHEN ${col} <> '' THEN error('not ' || '${what}: ' || ${col}) END)`;
}

/** Where each flow field comes from in a file DuckDB reads: an SQL source and column expressions. */
interface FlowSource {
  /** A table function over $file. */
  from: string;
  /** Column expression per field, undefined when the file has none. */
  col: (role: keyof FlowFileColumns) => string | undefined;
  /** How the start/end columns encode time. */
  timeKind: FlowTimeKind;
  /** The line (or row) number of the first data row, counted from the row ids afterwards... */
  firstLine: number;
  /** ...unless the source says each row's line itself (an SQL expression). */
  line?: string;
  /** Columns holding the addresses as numbers where the text was read already, else NULL (macros.ts addressParts). */
  known?: { src: string; dst: string };
  /** Only the converted rows where this holds (an SQL condition on src and dst) are stored. */
  keep?: string;
}

const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The IPv4 part (::ffff:0:0/96) of every detection address indicator, as 32-bit lo and hi: what
 * the flow prefilter keeps flows near. Warning-listed ones are kept too: a superset is safe.
 */
const ipv4IndicatorRangesSql = (scope = 'true') => `
  SELECT (greatest(lo, ${IPV4_MAPPED}) - ${IPV4_MAPPED})::UBIGINT AS lo,
         (least(hi, ${IPV4_LAST}) - ${IPV4_MAPPED})::UBIGINT AS hi
  FROM indicators i
  WHERE type IN ('ip', 'cidr', 'ip-port') AND for_detection AND hi >= ${IPV4_MAPPED} AND lo <= ${IPV4_LAST} AND ${scope}`;

/**
 * The parts outside ::ffff:0:0/96 of every detection address indicator, as the keys of the /48s
 * they overlap (core/flow-near.ts), first and last: what the flow prefilter keeps IPv6 flows near.
 */
const ipv6IndicatorNetsSql = (scope = 'true') => `
  SELECT DISTINCT (lo >> ${IPV6_NEAR_SHIFT})::UBIGINT AS lo, (hi >> ${IPV6_NEAR_SHIFT})::UBIGINT AS hi FROM (
    SELECT lo, least(hi, ${IPV4_MAPPED} - 1) AS hi FROM indicators i
    WHERE type IN ('ip', 'cidr', 'ip-port') AND for_detection AND lo < ${IPV4_MAPPED} AND ${scope}
    UNION ALL
    SELECT greatest(lo, ${IPV4_LAST} + 1) AS lo, hi FROM indicators i
    WHERE type IN ('ip', 'cidr', 'ip-port') AND for_detection AND hi > ${IPV4_LAST} AND ${scope})`;

/** Runs of more /48 keys than this (indicators wider than a /32) are tested as ranges, not as keys. */
const WIDE_RUN = 65_536;

/**
 * Tables `${name}6` (column k: the /48 keys of the runs up to WIDE_RUN keys, a hash join's) and
 * `${name}6w` (columns lo, hi: the wider runs, few or none, a range test's) from a query of runs.
 */
async function createNets6(db: Db, name: string, runs: string, params: Record<string, Param>): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${name}_runs AS ${runs}`, params);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${name}6 AS
     SELECT DISTINCT unnest(range(lo::BIGINT, hi::BIGINT + 1))::UBIGINT AS k FROM ${name}_runs WHERE hi - lo < ${WIDE_RUN}`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE ${name}6w AS SELECT lo, hi FROM ${name}_runs WHERE hi - lo >= ${WIDE_RUN}`);
  await db.run(`DROP TABLE ${name}_runs`);
}

const dropNets = async (db: Db, name: string) => {
  for (const t of [name, `${name}6`, `${name}6w`]) await db.run(`DROP TABLE IF EXISTS ${t}`);
};

/**
 * The prefilter's test in SQL (core/flow-near.ts), on a row's src and dst: an IPv4 address in one
 * of the /24s whose keys (an address >> 8) table `nets` holds in column k, or an IPv6 one in one
 * of the /48s of tables `${nets}6` and `${nets}6w` (createNets6).
 */
const flowNearNets = (nets: string) => {
  const near = (a: string) => {
    const key = `(${a} >> ${IPV6_NEAR_SHIFT})::UBIGINT`;
    return `(CASE WHEN ${a} >> 32 = 65535 THEN ((${a} & 4294967295) >> 8)::UINTEGER IN (SELECT k FROM ${nets})
      ELSE ${key} IN (SELECT k FROM ${nets}6) OR EXISTS (SELECT 1 FROM ${nets}6w w WHERE ${key} BETWEEN w.lo AND w.hi) END)`;
  };
  return `(${near('src')} OR ${near('dst')})`;
};

/**
 * ingest --prefilter for files DuckDB stores whole (Parquet): deletes the import's flows whose
 * two addresses are far from every address indicator of the imports up to `through`, the test the
 * prefilter's scan makes; returns how many went.
 */
export async function dropFlowsFarFromIndicators(db: Db, importId: number, through: number): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE prefilter_nets AS
     SELECT DISTINCT unnest(range((lo >> 8)::BIGINT, (hi >> 8)::BIGINT + 1))::UINTEGER AS k FROM (${ipv4IndicatorRangesSql('import_id <= $through')})`,
    { through },
  );
  await createNets6(db, 'prefilter_nets', ipv6IndicatorNetsSql('import_id <= $through'), { through });
  // DuckDB answers a DELETE with the count of rows it deleted.
  const r = await db.one<{ Count: bigint }>(`DELETE FROM flows WHERE import_id = $imp AND NOT ${flowNearNets('prefilter_nets')}`, { imp: importId });
  await dropNets(db, 'prefilter_nets');
  return Number(r!.Count);
}

/** Column names and types of a Parquet file. */
export async function describeParquet(db: Db, file: string): Promise<{ name: string; type: string }[]> {
  const rows = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet($file)`, { file });
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/** Inserts a Parquet file's flows; the row number stands for the line. */
export async function loadFlowParquet(db: Db, importId: number, file: string, cols: FlowFileColumns, timeKind: FlowTimeKind) {
  return loadFlows(db, importId, { file }, {
    from: 'read_parquet($file)',
    col: parquetColumn(cols),
    timeKind,
    firstLine: 1,
  });
}

const parquetColumn = (cols: FlowFileColumns): FlowSource['col'] => (role) => (cols[role] === undefined ? undefined : `CAST(${quoteId(cols[role]!)} AS VARCHAR)`);

/**
 * A prefiltered Parquet import's file read again: adds the rows with an address in one of the
 * networks `nets` holds (NearRuns) that the import has not stored yet (its row numbers, as at
 * import); returns how many.
 */
export async function addParquetNear(
  db: Db,
  importId: number,
  file: string,
  cols: FlowFileColumns,
  timeKind: FlowTimeKind,
  nets: NearRuns,
): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rescan_nets AS
     SELECT DISTINCT unnest(range(r[1], r[2] + 1))::UINTEGER AS k FROM (SELECT unnest(from_json($nets, '[["BIGINT"]]')) AS r)`,
    { nets: JSON.stringify(nets.v4) },
  );
  try {
    await createNets6(db, 'rescan_nets', `SELECT r[1]::UBIGINT AS lo, r[2]::UBIGINT AS hi FROM (SELECT unnest(from_json($nets, '[["BIGINT"]]')) AS r)`, {
      nets: JSON.stringify(nets.v6),
    });
    const r = await loadFlows(
      db,
      importId,
      { file },
      {
        from: 'read_parquet($file, file_row_number = true)',
        col: parquetColumn(cols),
        timeKind,
        firstLine: 1,
        line: 'file_row_number + 1',
        keep: flowNearNets('rescan_nets'),
      },
      true,
    );
    if (r.added) await notePrefilteredAdded(new DuckDbDriver(db), importId, r.added, r.minTs, r.maxTs);
    return r.added;
  } finally {
    await dropNets(db, 'rescan_nets');
  }
}

/** Inserts the file's rows into `flows`; returns the row count and time range. */
export async function loadFlowCsv(db: Db, importId: number, file: string, l: FlowCsvLayout): Promise<{ rows: number; minTs?: Date; maxTs?: Date }> {
  return loadFlows(db, importId, { file }, {
    from: `read_csv($file, header = true, ${csvColumns(l)})`,
    col: csvColumn(l),
    timeKind: l.startKind,
    firstLine: 2,
  });
}

/**
 * Inserts the lines the prefilter kept: each chunk's file holds `<index>,<src>,<dst>,<line>`
 * (FlowCandidateFiles), the index counting from the chunk's first line.
 */
export async function loadFlowCandidates(
  db: Db,
  importId: number,
  kept: FlowCandidateFiles,
  l: FlowCsvLayout,
): Promise<{ rows: number; minTs?: Date; maxTs?: Date }> {
  return loadFlows(db, importId, {}, candidateSource(kept, l));
}

/**
 * Adds the kept lines of a prefiltered import's file scanned again (for indicators imported
 * later) to that import's flows, leaving the lines it stored already; returns how many it added.
 */
export async function addFlowCandidates(db: Db, importId: number, kept: FlowCandidateFiles, l: FlowCsvLayout): Promise<number> {
  const r = await loadFlows(db, importId, {}, candidateSource(kept, l), true);
  // The import's whole span: the rows just added are within it.
  if (r.added) await notePrefilteredAdded(new DuckDbDriver(db), importId, r.added, r.minTs, r.maxTs);
  return r.added;
}

function candidateSource(kept: FlowCandidateFiles, l: FlowCsvLayout): FlowSource {
  const files = kept.chunks.map((c) => `'${c.file.replace(/'/g, "''")}'`);
  const base = kept.chunks.map((c, k) => `WHEN ${files[k]} THEN ${c.firstLine}`).join(' ');
  return {
    // Each kept line starts with its index in its chunk and its two addresses as numbers (see
    // flow-prefilter-scan.ts, addressNumberOf); empty (NULL) where the scan left the text to SQL.
    from: `read_csv([${files.join(', ')}], header = false, filename = true, ${csvColumns(l, `'n': 'BIGINT', 'sn': 'UHUGEINT', 'dn': 'UHUGEINT', `)})`,
    col: csvColumn(l),
    timeKind: l.startKind,
    firstLine: 0,
    line: `n + CASE filename ${base} END`,
    known: { src: 'sn', dst: 'dn' },
  };
}

/** read_csv's options for a plain nfdump CSV, every column as text (c0, c1, ...). */
function csvColumns(l: FlowCsvLayout, before = ''): string {
  const columns = l.names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return `delim = ',', quote = '', escape = '', auto_detect = false, columns = {${before}${columns}}, null_padding = false`;
}

function csvColumn(l: FlowCsvLayout): FlowSource['col'] {
  const index: Record<keyof FlowFileColumns, number | undefined> = {
    start: l.start,
    end: l.end,
    duration: l.duration,
    src: l.src,
    dst: l.dst,
    sport: l.sport,
    dport: l.dport,
    proto: l.proto,
    bytes: l.bytes,
    packets: l.packets,
  };
  return (role) => (index[role] === undefined ? undefined : `"c${index[role]}"`);
}

/**
 * Inserts the source's rows as the import's flows; with `newOnly` (a source that says each row's
 * line), only the lines the import has not stored yet. Returns the import's row count and time
 * range, and how many rows this added.
 */
async function loadFlows(
  db: Db,
  importId: number,
  params: Record<string, Param>,
  src: FlowSource,
  newOnly = false,
): Promise<{ rows: number; minTs?: Date; maxTs?: Date; added: number }> {
  const c = (role: keyof FlowFileColumns) => src.col(role) ?? 'NULL';
  const time = (role: 'start' | 'end') => {
    const x = c(role);
    switch (src.timeKind) {
      case 'text':
        return `TRY_CAST(${x} AS TIMESTAMP)`;
      case 'epoch-s':
        return `make_timestamp((TRY_CAST(${x} AS DOUBLE) * 1e6)::BIGINT)`;
      case 'epoch-ms':
        return `make_timestamp((TRY_CAST(${x} AS DOUBLE) * 1000)::BIGINT)`;
      case 'epoch-ns':
        return `make_timestamp((TRY_CAST(${x} AS HUGEINT) // 1000)::BIGINT)`;
    }
  };
  const ts = time('start');
  const te =
    src.col('end') !== undefined
      ? time('end')
      : src.col('duration') !== undefined
        ? `ts + to_microseconds((TRY_CAST(${c('duration')} AS DOUBLE) * 1e6)::BIGINT)`
        : 'NULL';
  const num = (role: keyof FlowFileColumns, type: string, what: string) =>
    src.col(role) === undefined ? 'NULL' : strict(`TRY_CAST(${c(role)} AS ${type})`, c(role), what);
  // No row numbers in the statement: a window over the whole file costs more than the rest of
  // the conversion. The rows go in as the file orders them (a plain projection of the reader, and
  // DuckDB preserves insertion order), so line numbers follow from the row ids afterwards.
  const rows = `SELECT $imp AS import_id, ${src.line ?? 0} AS line, ts, ${te} AS te, src, dst, sport, dport, proto, bytes, packets,
            ${derivedSelect(table('flows')).join(', ')}
     FROM (
       SELECT *, coalesce(${ts}, error('not a time: ' || ${c('start')})) AS ts,
              coalesce(${addressFromParts(c('src'), 'sa', src.known?.src)}, error('not an IP address: ' || ${c('src')})) AS src,
              coalesce(${addressFromParts(c('dst'), 'da', src.known?.dst)}, error('not an IP address: ' || ${c('dst')})) AS dst,
              ${num('sport', 'USMALLINT', 'a port')} AS sport,
              ${num('dport', 'USMALLINT', 'a port')} AS dport,
              ${src.col('proto') === undefined ? 'NULL' : PROTO.replace(/\bp\b/g, c('proto'))} AS proto,
              ${num('bytes', 'UBIGINT', 'a count')} AS bytes,
              ${num('packets', 'UBIGINT', 'a count')} AS packets
       FROM (${addressParts(addressParts(`SELECT * FROM ${src.from}`, c('src'), 'sa', src.known?.src), c('dst'), 'da', src.known?.dst)}))`;
  if (newOnly && !src.line) throw new Error('newOnly needs a source that gives each row its line');
  const where = [newOnly && 'line NOT IN (SELECT line FROM flows WHERE import_id = $imp)', src.keep].filter(Boolean);
  // DuckDB answers an INSERT with the count of rows it inserted.
  const inserted = await db.one<{ Count: bigint }>(
    where.length ? `INSERT INTO flows BY NAME SELECT * FROM (${rows}) WHERE ${where.join(' AND ')}` : `INSERT INTO flows BY NAME ${rows}`,
    { ...params, imp: importId },
  );
  const span = await (src.line ? importSpan(db, 'flows', importId) : numberLines(db, 'flows', importId, src.firstLine));
  return { ...span, added: Number(inserted!.Count) };
}

/**
 * After a file DuckDB read itself went into `table` (in the file's order, with line 0): each
 * row's line from its row id, the first data row being `firstLine`. Returns the row count and
 * time range.
 */
export async function numberLines(
  db: Db,
  tbl: 'flows' | 'dns',
  importId: number,
  firstLine: number,
): Promise<{ rows: number; minTs?: Date; maxTs?: Date }> {
  await db.run(`UPDATE ${tbl} SET line = rowid - (SELECT min(rowid) FROM ${tbl} WHERE import_id = $imp) + $first WHERE import_id = $imp`, {
    imp: importId,
    first: firstLine,
  });
  return importSpan(db, tbl, importId);
}

/** An import's row count and time range. */
async function importSpan(db: Db, tbl: 'flows' | 'dns', importId: number): Promise<{ rows: number; minTs?: Date; maxTs?: Date }> {
  const r = await db.one<{ n: bigint; lo: Date | null; hi: Date | null }>(
    `SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM ${tbl} WHERE import_id = $imp`,
    { imp: importId },
  );
  return { rows: Number(r!.n), minTs: r!.lo ?? undefined, maxTs: r!.hi ?? undefined };
}

/** The first row of a Parquet file whose time or address does not convert, and which field. */
export async function firstBadParquetRow(
  db: Db,
  file: string,
  cols: FlowFileColumns,
  timeKind: FlowTimeKind,
): Promise<{ row: number; field: string; reason: string } | undefined> {
  const v = (name: string) => `CAST(${quoteId(name)} AS VARCHAR)`;
  const ts = timeKind === 'text' ? `TRY_CAST(${v(cols.start)} AS TIMESTAMP)` : `TRY_CAST(${v(cols.start)} AS DOUBLE)`;
  const r = await db.one<{ row: bigint; bad_ts: boolean; bad_src: boolean; s: string | null; d: string | null; t: string | null }>(
    `SELECT row, ${ts} IS NULL AS bad_ts, ${addressFromParts('s', 'sa')} IS NULL AS bad_src, s, d, t
     FROM (${addressParts(
       addressParts(`SELECT row_number() OVER () AS row, trim(${v(cols.src)}) AS s, trim(${v(cols.dst)}) AS d, ${v(cols.start)} AS t, * FROM read_parquet($file)`, 's', 'sa'),
       'd',
       'da',
     )})
     WHERE ${ts} IS NULL OR ${addressFromParts('s', 'sa')} IS NULL OR ${addressFromParts('d', 'da')} IS NULL LIMIT 1`,
    { file },
  );
  if (!r) return undefined;
  const [field, value, what] = r.bad_ts ? [cols.start, r.t, 'a time'] : r.bad_src ? [cols.src, r.s, 'an IP address'] : [cols.dst, r.d, 'an IP address'];
  return { row: Number(r.row), field, reason: `not ${what}: ${JSON.stringify(value)}` };
}
