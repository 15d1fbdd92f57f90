// Reading system.tables. ClickHouse 18.16 fails a query over system.tables (code 60, unknown
// table) when a table of the database is renamed or dropped while the query reads the tables,
// as the builds of a census's windows asked at once do to one another (kept-tables.ts): such a
// query is asked again, a few milliseconds later.
import { ClickHouseQueryError, type Node } from './connection.js';

/** Tries at most, a few milliseconds apart. */
const TRIES = 20;

/** Code 60: in the error's code, or only in its text when the server failed after the answer began. */
export const unknownTable = (err: unknown) => err instanceof ClickHouseQueryError && (err.serverCode === '60' || /\bCode: 60\b/.test(err.message));

/** The rows of a query over system.tables. */
export async function systemTables<T>(node: Node, query: string): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await node.all<T>(query);
    } catch (err) {
      if (!unknownTable(err) || attempt >= TRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, attempt * 5));
    }
  }
}
