// The Zeek dns.log fast path: DuckDB reads the TSV itself and converts each field in SQL, as the
// line reader (telemetry/zeek/mappers.ts) would. Whatever the line reader would treat specially
// (escapes, padding, non-ASCII names, a line without a question) makes the statement fail, and the
// caller reads the file line by line instead.
import type { DnsTsvLayout } from '../store.js';
import type { Db } from './connection.js';
import { numberLines } from './flow-file-sql.js';
import { addressFromParts, addressParts } from './macros.js';

/** Inserts the file's data lines into `dns`; returns the row count and time range. */
export async function loadZeekDns(db: Db, importId: number, file: string, l: DnsTsvLayout): Promise<{ rows: number; minTs?: Date; maxTs?: Date }> {
  const columns = l.names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const c = (i: number) => `"c${i}"`;
  // A field's text, NULL when unset or empty (the layout requires Zeek's own markers).
  const text = (i: number | undefined) => (i === undefined ? 'NULL' : `(CASE WHEN ${c(i)} IN ('-', '(empty)') THEN NULL ELSE ${c(i)} END)`);
  // Text the line reader would decode (\xHH escapes) is left to it.
  const raw = (x: string, what: string) => `(CASE WHEN contains(${x}, '\\x') THEN error('escaped ${what}: ' || ${x}) ELSE ${x} END)`;
  const query = text(l.query);
  const answers =
    l.answers === undefined
      ? 'NULL'
      : `CASE WHEN ${c(l.answers)} IS NULL THEN error('empty answers field') WHEN ${c(l.answers)} IN ('-', '(empty)') THEN NULL
              ELSE ${l.answersIsSet ? `string_split(${raw(c(l.answers), 'answers')}, ',')` : `[${raw(c(l.answers), 'answers')}]`} END`;
  const server =
    l.server === undefined
      ? 'NULL'
      : `CASE WHEN ${text(l.server)} IS NULL THEN NULL ELSE coalesce(${addressFromParts(c(l.server), 'sa')}, error('not an IP address: ' || ${c(l.server)})) END`;
  // null_padding: the "#close" trailer has fewer columns (dropped by the WHERE); a short data line
  // fails below. (ignore_errors would skip such lines, but then DuckDB no longer keeps the file's
  // order, which the line numbers rely on.)
  let from = `SELECT * FROM read_csv($file, delim = '\t', header = false, skip = $skip, quote = '', escape = '', auto_detect = false,
                columns = {${columns}}, null_padding = true) WHERE NOT starts_with(${c(0)}, '#')`;
  from = addressParts(from, c(l.client), 'ca');
  if (l.server !== undefined) from = addressParts(from, c(l.server), 'sa');
  await db.run(
    `INSERT INTO dns BY NAME
     SELECT $imp AS import_id, 0 AS line,
            -- Epoch seconds as parseTime reads them (ms * 1000, rounded, as the appender stores them).
            -- Zeek writes every field ('-' when unset): an empty one is a short line, padded.
            CASE WHEN ${l.names.map((_, i) => `${c(i)} IS NULL`).join(' OR ')} THEN error('short line')
                 WHEN regexp_full_match(${c(l.ts)}, '[0-9]{9,10}(\\.[0-9]+)?') THEN make_timestamp(round(${c(l.ts)}::DOUBLE * 1000 * 1000)::BIGINT)
                 ELSE error('not a time: ' || coalesce(${c(l.ts)}, '')) END AS ts,
            coalesce(${addressFromParts(c(l.client), 'ca')}, error('not an IP address: ' || coalesce(${c(l.client)}, ''))) AS client,
            ${server} AS server,
            -- hostField: trimmed, lower case, one trailing dot dropped. Padded or non-ASCII names,
            -- and lines without a question (which the line reader skips), are left to it.
            CASE WHEN ${query} IS NULL OR ${query} <> trim(${query}) OR strlen(${query}) <> length(${query}) THEN error('query for the line reader: ' || coalesce(${c(l.query)}, ''))
                 ELSE lower(substr(${raw(query, 'query')}, 1, length(${query}) - ends_with(${query}, '.')::INT)) END AS query,
            ${raw(`coalesce(${text(l.qtypeName)}, ${text(l.qtype)})`, 'qtype')} AS qtype,
            ${answers} AS answers
     FROM (${from})`,
    { imp: importId, file, skip: l.headerLines },
  );
  return numberLines(db, 'dns', importId, l.headerLines + 1);
}
