// Tables of the notify part of the store, declared once like the rest (see schema.ts).
import type { Table } from './schema.js';

export const NOTIFY_TABLES: Table[] = [];
