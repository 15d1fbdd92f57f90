// Bulk loading through DuckDB's appender, driven by the declared columns: a row is an object keyed
// by column name, and each column's declared type picks the append call.
import { DuckDBTimestampValue, LIST, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import type { Column, Table } from '../schema.js';
import type { Db } from './connection.js';

const VARCHAR_LIST = LIST(VARCHAR);

export class TableAppender {
  /** The key each column's value is read from in `row()`. */
  private readonly keys: string[];

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: Column[],
    keyOf: (column: string) => string,
  ) {
    this.keys = columns.map((c) => keyOf(c.name));
  }

  /** `keyOf` maps a column to the property of the row objects that holds it (default: its name). */
  static async open(db: Db, table: Table, keyOf: (column: string) => string = (c) => c): Promise<TableAppender> {
    return new TableAppender(await db.conn.createAppender(table.name), table.columns, keyOf);
  }

  row(values: Record<string, unknown>): void {
    const a = this.appender;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const col = this.columns[i]!;
      const v = values[keys[i]!];
      if (v === undefined || v === null) {
        a.appendNull();
        continue;
      }
      switch (col.type) {
        case 'address':
          a.appendUHugeInt(v as bigint);
          break;
        case 'time':
          a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round((v as number) * 1000))));
          break;
        case 'text':
          a.appendVarchar(String(v));
          break;
        case 'json':
          a.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
          break;
        case 'text[]':
          a.appendList(v as string[], VARCHAR_LIST);
          break;
        case 'bool':
          a.appendBoolean(Boolean(v));
          break;
        case 'int32':
          a.appendInteger(v as number);
          break;
        case 'int64':
          a.appendBigInt(typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number)));
          break;
        case 'uint64':
          a.appendUBigInt(typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number)));
          break;
        case 'uint32':
          a.appendUInteger(v as number);
          break;
        case 'uint16':
          a.appendUSmallInt(v as number);
          break;
        case 'uint8':
          a.appendUTinyInt(v as number);
          break;
        case 'float64':
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
