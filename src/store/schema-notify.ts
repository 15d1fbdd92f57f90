// Tables of the notify part of the store, declared once like the rest (see schema.ts).
import type { Column, ColumnType, Table } from './schema.js';

// schema.ts imports this file, so its `c` helper is not initialised yet when this module runs.
const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

export const NOTIFY_TABLES: Table[] = [
  {
    // One row per message: the outbox (status pending) and the record of what was sent.
    name: 'notifications',
    columns: [
      c('id', 'int32', true),
      c('owner', 'text', true),
      c('channel', 'text', true), // email | webhook
      c('recipients', 'text[]'),
      c('dedupe_key', 'text', true),
      c('message_id', 'text', true),
      c('subject', 'text'),
      c('payload', 'text', true), // the rendered message, sent byte for byte as stored
      c('status', 'text', true), // pending | sent | failed
      c('created_at', 'time', true),
      c('sent_at', 'time'),
      c('attempts', 'int32', true),
      c('response', 'text'),
      c('last_error', 'text'),
    ],
  },
  {
    // The victims each notification included, and how far their evidence went.
    name: 'notification_victims',
    columns: [
      c('notification_id', 'int32', true),
      c('victim', 'address', true),
      c('first_seen', 'time'),
      c('evidence_until', 'time', true),
      c('events', 'int64'),
    ],
  },
];
