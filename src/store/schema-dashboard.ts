// Tables of the dashboard part of the store, declared once like the rest (see schema.ts).
import type { Table } from './schema.js';

export const DASHBOARD_TABLES: Table[] = [];
