// The records of the HTTP API's access: the token types of the tokens table (its queries are
// src/server/auth/tokens-sql.ts) and the shape of a paged listing (the listings' queries are
// src/server/access: pages-sql.ts, window-pages-sql.ts).

export const ROLES = ['admin', 'analyst', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenRow {
  /** Public handle: listed and revoked by it; not a secret. */
  id: string;
  role: Role;
  /** For role owner: the owner (contact database name) the token is scoped to. */
  owner?: string;
  label?: string;
  createdAt: Date;
  revokedAt?: Date;
}

export interface NewToken {
  id: string;
  /** SHA-256 (hex) of the token: the token itself is never stored. */
  hash: string;
  role: Role;
  owner?: string;
  label?: string;
}

export type SortDir = 'asc' | 'desc';

export interface PageQuery<K extends string> {
  sort: K;
  dir: SortDir;
  limit: number;
  offset: number;
}

export interface Page<T> {
  rows: T[];
  /** Rows matching the filter, all pages together. */
  total: number;
}

