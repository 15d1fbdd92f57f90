// Tables of the access part of the store: API tokens (hashed, never the token itself) and sign-in sessions.
import type { Column, ColumnType, Table } from './schema.js';

// schema.ts imports this file, so its `c` helper is not initialised yet when this module runs.
const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

export const ACCESS_TABLES: Table[] = [
  {
    name: 'api_tokens',
    columns: [
      c('id', 'text', true), // public handle shown by `tokens list`, used by `tokens revoke`
      c('hash', 'text', true), // SHA-256 (hex) of the whole token
      c('role', 'text', true), // admin | analyst | owner
      c('owner', 'text'), // for role owner: the owner (contact database name) it is scoped to
      c('label', 'text'),
      c('created_at', 'time', true),
      c('revoked_at', 'time'),
    ],
    key: ['id'], unique: [['hash']],
  },
  {
    // Web sign-in sessions: the cookie carries a random id, the store only its SHA-256.
    name: 'api_sessions',
    columns: [
      c('hash', 'text', true),
      c('token_id', 'text', true),
      c('created_at', 'time', true),
      c('expires_at', 'time', true),
    ],
    key: ['hash'],
  },
];
