// Tables of the mail part of the store (scanned messages, their resources, campaigns), declared
// once like the rest (see schema.ts).
import type { Column, ColumnType, Table } from './schema.js';

// schema.ts imports this file, so its `c` helper is not initialised yet when this module runs.
const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

export const MAIL_TABLES: Table[] = [
  {
    // One row per distinct message (by the hash of its bytes).
    name: 'mail_messages',
    columns: [
      c('sha256', 'VARCHAR', true),
      c('file', 'VARCHAR', true),
      c('byte_offset', 'BIGINT', true),
      c('message_id', 'VARCHAR'),
      c('sent_at', 'TIMESTAMP'),
      c('subject', 'VARCHAR'),
      c('from_address', 'VARCHAR'),
      c('from_name', 'VARCHAR'),
      c('envelope_from', 'VARCHAR'),
      c('dkim_domains', 'VARCHAR[]'),
      c('relay', 'VARCHAR'),
      c('recipients', 'VARCHAR[]'),
      c('list_id', 'VARCHAR'),
      c('list_unsubscribe', 'BOOLEAN', true),
      c('infra_key', 'VARCHAR', true),
      c('template', 'VARCHAR', true),
    ],
  },
  {
    // Every remote resource of a message, with the reasons it is a beacon.
    name: 'mail_resources',
    columns: [
      c('message', 'VARCHAR', true),
      c('position', 'INTEGER', true), // its place in the message, so every reading is in the same order
      c('kind', 'VARCHAR', true),
      c('chain', 'VARCHAR[]', true),
      c('host', 'VARCHAR', true),
      c('link_text', 'VARCHAR'),
      c('width', 'DOUBLE'),
      c('height', 'DOUBLE'),
      c('hidden', 'BOOLEAN'),
      c('reasons', 'VARCHAR[]'),
    ],
  },
  {
    // Campaigns, recomputed from every stored message after each scan that adds one; a campaign's
    // messages are those with its infra_key.
    name: 'mail_campaigns',
    columns: [
      c('id', 'VARCHAR', true),
      c('infra_key', 'VARCHAR', true),
      c('verdict', 'VARCHAR', true), // tracking | marketing | clean
      c('evidence', 'VARCHAR[]'),
      c('messages', 'INTEGER', true),
      c('recipients', 'VARCHAR[]'),
      c('organisations', 'VARCHAR[]'),
      c('first_date', 'TIMESTAMP'),
      c('last_date', 'TIMESTAMP'),
      c('beacon_hosts', 'VARCHAR[]'),
      c('service_hosts', 'VARCHAR[]'),
      c('senders', 'VARCHAR[]'),
      c('subjects', 'VARCHAR[]'),
    ],
  },
];
