// The DuckDB driver's own cache tables: folds of the sightings for fast victim-level questions
// (window-sql.ts), declared in the neutral types like the shared tables (../schema.ts) but kept by
// this driver only. They are rebuilt whole when the data they fold
// changes; the data version they were built from is kept in `meta` (key 'derived_version'), so a
// restarted server does not rebuild what is current. Stored, not temporary: at millions of
// sightings they are too big to hold in memory, and on disk they are compressed and paged.
import { c, type Table } from '../schema.js';

export const DERIVED_TABLES: Table[] = [
  {
    // All sightings folded per victim, indicator, kind, family and import, ordered by victim (one
    // victim's evidence is a few blocks): the all-time window and lookups read these.
    name: 'derived_pairs_all',
    columns: [
      c('victim', 'address', true),
      c('indicator_id', 'int64'),
      c('rkey', 'text'),
      c('kind', 'text', true),
      c('family', 'text'),
      c('import_id', 'int32', true),
      c('g', 'uint8', true),
      c('t', 'bool'),
      c('f', 'bool'),
      c('answered', 'bool'),
      c('dev', 'text'),
      c('f0', 'time', true),
      c('l0', 'time', true),
      c('events', 'int64', true),
      c('bytes', 'uint64'),
      c('first_line', 'int32'),
      c('detail', 'text'),
    ],
  },
  {
    // Each victim's owner from the contact database (the most specific block wins).
    name: 'derived_victim_owner',
    columns: [c('victim', 'address', true), c('owner', 'text')],
  },
];
