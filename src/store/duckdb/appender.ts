// Bulk loading through DuckDB's appender, driven by the declared columns: a row is an object keyed
// by column name, and each column's declared type picks the append call.
import { DuckDBTimestampValue, LIST, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import type { Column, Table } from '../schema.js';
import type { Db } from './connection.js';

const VARCHAR_LIST = LIST(VARCHAR);

export class TableAppender {
  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: Column[],
  ) {}

  static async open(db: Db, table: Table, name = table.name): Promise<TableAppender> {
    return new TableAppender(await db.conn.createAppender(name), table.columns);
  }

  row(values: Record<string, unknown>): void {
    const a = this.appender;
    for (const col of this.columns) {
      const v = values[col.name];
      if (v === undefined || v === null) {
        a.appendNull();
        continue;
      }
      switch (col.type) {
        case 'ADDR':
          a.appendUHugeInt(v as bigint);
          break;
        case 'TIMESTAMP':
          a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round((v as number) * 1000))));
          break;
        case 'VARCHAR':
          a.appendVarchar(String(v));
          break;
        case 'JSON':
          a.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
          break;
        case 'VARCHAR[]':
          a.appendList(v as string[], VARCHAR_LIST);
          break;
        case 'BOOLEAN':
          a.appendBoolean(Boolean(v));
          break;
        case 'INTEGER':
          a.appendInteger(v as number);
          break;
        case 'BIGINT':
          a.appendBigInt(typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number)));
          break;
        case 'UBIGINT':
          a.appendUBigInt(typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number)));
          break;
        case 'USMALLINT':
          a.appendUSmallInt(v as number);
          break;
        case 'UTINYINT':
          a.appendUTinyInt(v as number);
          break;
        case 'DOUBLE':
          a.appendDouble(v as number);
          break;
      }
    }
    a.endRow();
  }

  flush(): void {
    this.appender.flushSync();
  }

  close(): void {
    this.appender.closeSync();
  }
}
