// DuckDB implementation of the dashboard store contract.
import type { DashboardStore } from '../dashboard.js';
import type { Db } from './connection.js';

export function createDashboardStore(db: Db): DashboardStore {
  void db;
  return {};
}
