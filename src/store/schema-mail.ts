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
      c('sha256', 'text', true),
      c('file', 'text', true),
      c('byte_offset', 'int64', true),
      c('message_id', 'text'),
      c('sent_at', 'time'),
      c('subject', 'text'),
      c('from_address', 'text'),
      c('from_name', 'text'),
      c('envelope_from', 'text'),
      c('dkim_domains', 'text[]'),
      c('relay', 'text'),
      c('recipients', 'text[]'),
      c('list_id', 'text'),
      c('list_unsubscribe', 'bool', true),
      c('infra_key', 'text', true),
      c('template', 'text', true),
      // An integer key of sha256 (mail/messages-sql.ts shaKey): a scan looks for stored messages by it.
      c('sha_key', 'int64'),
    ],
  },
  {
    // Every remote resource of a message, with the reasons it is a beacon.
    name: 'mail_resources',
    columns: [
      c('message', 'text', true),
      c('position', 'int32', true), // its place in the message, so every reading is in the same order
      c('kind', 'text', true),
      c('chain', 'text[]', true),
      c('host', 'text', true),
      c('link_text', 'text'),
      c('width', 'float64'),
      c('height', 'float64'),
      c('hidden', 'bool'),
      c('reasons', 'text[]'),
      // Its message's keys, so that judging reads the resources of a range of messages without a join.
      c('infra_key', 'text'),
      c('template', 'text'),
    ],
  },
  {
    // Campaigns, recomputed from every stored message after each scan that adds one; a campaign's
    // messages are those with its infra_key. Each judging writes its campaigns under a number of
    // its own (`judging`); readers see those of the judging named in meta.
    name: 'mail_campaigns',
    columns: [
      c('id', 'text', true),
      c('infra_key', 'text', true),
      c('verdict', 'text', true), // tracking | marketing | clean
      c('evidence', 'text[]'),
      c('messages', 'int32', true),
      c('recipients', 'text[]'),
      c('organisations', 'text[]'),
      c('first_date', 'time'),
      c('last_date', 'time'),
      c('beacon_hosts', 'text[]'),
      c('service_hosts', 'text[]'),
      c('senders', 'text[]'),
      c('subjects', 'text[]'),
      c('judging', 'int64'),
    ],
  },
];
