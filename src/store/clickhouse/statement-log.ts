// With $BOTCENSUS_CLICKHOUSE_LOG set to a file, every statement sent (and each result's bytes, and
// each load's rows) is appended to it as a JSON line: scripts/check-clickhouse-current.mjs runs
// them again on a current ClickHouse (chdb) and compares the answers.
import { appendFileSync } from 'node:fs';

export interface LoggedStatement {
  db: string;
  kind: 'run' | 'all' | 'insert';
  sql: string;
  /** A query's result, TabSeparatedWithNamesAndTypes. */
  result?: Buffer;
  /** A load's rows, TabSeparated. */
  data?: Buffer[];
  /** The statement failed on the server (the check expects it to fail again). */
  failed?: boolean;
}

const FILE = process.env.BOTCENSUS_CLICKHOUSE_LOG;

export function logStatement(s: LoggedStatement): void {
  if (!FILE) return;
  const line = {
    db: s.db,
    kind: s.kind,
    sql: s.sql,
    ...(s.result ? { result: s.result.toString('base64') } : {}),
    ...(s.failed ? { failed: true } : {}),
    ...(s.data ? { data: Buffer.concat(s.data).toString('base64') } : {}),
  };
  appendFileSync(FILE, `${JSON.stringify(line)}\n`);
}

logStatement.enabled = (): boolean => FILE !== undefined;
