// Where a ClickHouse store's tables live: one node, or the shards of a cluster (local tables on
// each, Distributed tables over them). Statements that change tables go to every shard, since
// 18.16 runs ON CLUSTER only with ZooKeeper.
import type { Table } from '../schema.js';
import type { Node } from './connection.js';
import { localName } from './ddl.js';

export interface Layout {
  /** The node queries go to. */
  entry: Node;
  /** Every node holding rows: the shards in system.clusters order, or the entry node alone. */
  shards: Node[];
  database: string;
  /** The cluster's name, when the store is spread over one. */
  cluster?: string;
}

/** The table holding a shard's rows of `table`. */
export const rowTable = (layout: Layout, table: string): string => (layout.cluster ? localName(table) : table);

/** The driver's own tables, beside the declared ones (see batches.ts). */
export const BATCHES: Table = {
  name: '_batches',
  columns: [
    { name: 'batch', type: 'int64', notNull: true },
    { name: 'state', type: 'text', notNull: true }, // open | done | failed
    { name: 'host', type: 'text', notNull: true },
    { name: 'pid', type: 'int64', notNull: true },
    { name: 'at', type: 'time', notNull: true },
  ],
};
