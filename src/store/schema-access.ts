// Tables of the access part of the store, declared once like the rest (see schema.ts).
import type { Table } from './schema.js';

export const ACCESS_TABLES: Table[] = [];
