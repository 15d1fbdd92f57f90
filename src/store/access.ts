// The access part of the store contract: the paged, sorted, owner-scoped victim and indicator
// listings the HTTP API serves over the census's windows (sort keys come from the allow-lists
// below only), and the token types of the tokens table (its queries are
// src/server/auth/tokens-sql.ts). The import listings are src/server/access/pages-sql.ts.
import type { IndicatorRow, VictimRow } from './store.js';

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

export const VICTIM_SORTS = ['ip', 'country', 'asn', 'org', 'grade', 'first_seen', 'last_seen', 'events'] as const;
export type VictimSort = (typeof VICTIM_SORTS)[number];

export interface VictimPageQuery extends PageQuery<VictimSort> {
  country?: string;
  asn?: number;
  /** The AS organisation, as the census by organisation names it ("Unknown" for none). */
  org?: string;
  /** Only victims that matched this indicator value in the window. */
  indicator?: string;
  /** Only victims whose most specific owner is this one. */
  owner?: string;
  from?: number;
  to?: number;
}

export const INDICATOR_SORTS = ['value', 'type', 'source', 'family', 'first_seen', 'last_seen', 'victims'] as const;
export type IndicatorSort = (typeof INDICATOR_SORTS)[number];

export interface IndicatorPageQuery extends PageQuery<IndicatorSort> {
  /** Case-insensitive text searched in value, family, description and tags. */
  q?: string;
  source?: string;
  type?: string;
  /** true: only indicators that matched at least one victim; false: only those that did not. */
  matched?: boolean;
  /** Victims counted (and `matched` judged) in this window; all time when both are absent. */
  from?: number;
  to?: number;
}

export interface AccessStore {
  victimPage(q: VictimPageQuery): Promise<Page<VictimRow>>;
  indicatorPage(q: IndicatorPageQuery): Promise<Page<IndicatorRow>>;
}
