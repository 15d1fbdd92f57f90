// The tables the driver conformance suite (driver.ts) writes: every neutral type, a keyed table,
// and events partitioned by day.
import { c, type Table } from '../schema.js';

export const VALUES_TABLE: Table = {
  name: 'conf_values',
  columns: [
    c('n', 'int32', true),
    c('s', 'text'),
    c('ip', 'address'),
    c('ts', 'time'),
    c('tags', 'text[]'),
    c('b', 'bool'),
    c('i64', 'int64'),
    c('u64', 'uint64'),
    c('u32', 'uint32'),
    c('u16', 'uint16'),
    c('u8', 'uint8'),
    c('f', 'float64'),
    c('j', 'json'),
  ],
};
export const KEYED_TABLE: Table = { name: 'conf_keyed', columns: [c('k', 'text', true), c('v', 'text')], key: ['k'] };
export const EVENTS_TABLE: Table = {
  name: 'conf_events',
  columns: [c('import_id', 'int32', true), c('ts', 'time', true), c('victim', 'address', true), c('detail', 'text')],
};
