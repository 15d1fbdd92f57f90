// DuckDB implementation of the access store contract.
import type { AccessStore } from '../access.js';
import type { Db } from './connection.js';

export function createAccessStore(db: Db): AccessStore {
  void db;
  return {};
}
