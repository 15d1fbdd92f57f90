// Tables of the notify part of the store, declared once like the rest (see schema.ts).
import type { Column, ColumnType, Table } from './schema.js';

// schema.ts imports this file, so its `c` helper is not initialised yet when this module runs.
const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

export const NOTIFY_TABLES: Table[] = [
  {
    // One row per message: the outbox (status pending) and the record of what was sent.
    name: 'notifications',
    columns: [
      c('id', 'INTEGER', true),
      c('owner', 'VARCHAR', true),
      c('channel', 'VARCHAR', true), // email | webhook
      c('recipients', 'VARCHAR[]'),
      c('dedupe_key', 'VARCHAR', true),
      c('message_id', 'VARCHAR', true),
      c('subject', 'VARCHAR'),
      c('payload', 'VARCHAR', true), // the rendered message, sent byte for byte as stored
      c('status', 'VARCHAR', true), // pending | sent | failed
      c('created_at', 'TIMESTAMP', true),
      c('sent_at', 'TIMESTAMP'),
      c('attempts', 'INTEGER', true),
      c('response', 'VARCHAR'),
      c('last_error', 'VARCHAR'),
    ],
  },
  {
    // The victims each notification included, and how far their evidence went.
    name: 'notification_victims',
    columns: [
      c('notification_id', 'INTEGER', true),
      c('victim', 'ADDR', true),
      c('first_seen', 'TIMESTAMP'),
      c('evidence_until', 'TIMESTAMP', true),
      c('events', 'BIGINT'),
    ],
  },
];
