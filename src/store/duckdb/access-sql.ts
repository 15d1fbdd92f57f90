// DuckDB implementation of the access store contract: the victim and indicator pages, which read
// the census's windows (window-sql.ts). Owners are src/notify (owner-rule.ts), the data version
// src/store/data-version.ts, the import pages src/server/access, tokens src/server/auth.
import type { AccessStore } from '../access.js';
import type { Db } from './connection.js';
import { indicatorPage, victimPage } from './access-pages-sql.js';

export function createAccessStore(db: Db): AccessStore {
  return {
    victimPage: (q) => victimPage(db, q),
    indicatorPage: (q) => indicatorPage(db, q),
  };
}
