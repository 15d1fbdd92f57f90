// DuckDB implementation of the notify store contract.
import type { NotifyStore } from '../notify.js';
import type { Db } from './connection.js';

export function createNotifyStore(db: Db): NotifyStore {
  void db;
  return {};
}
