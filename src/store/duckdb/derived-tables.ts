// Tables derived from the sightings for fast victim-level questions (see store/duckdb/window-sql.ts),
// declared once like the rest (see schema.ts). They are rebuilt whole when the data they fold
// changes; the data version they were built from is kept in `meta` (key 'derived_version'), so a
// restarted server does not rebuild what is current. Stored, not temporary: at millions of
// sightings they are too big to hold in memory, and on disk they are compressed and paged.
import type { Column, ColumnType, Table } from './schema.js';

// schema.ts imports this file, so its `c` helper is not initialised yet when this module runs.
const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

/**
 * Sightings folded per victim, indicator (and report type), kind and family, in the order the
 * window queries read them (window-sql.ts PAIR_COLUMNS).
 */
const PAIR_COLUMNS: Column[] = [
  c('victim', 'ADDR', true),
  c('indicator_id', 'BIGINT'),
  c('rkey', 'VARCHAR'), // the report type of report sightings (they have no indicator)
  c('kind', 'VARCHAR', true),
  c('family', 'VARCHAR'),
  c('g', 'UTINYINT', true), // best single-sighting grade: 3 not a flow, 2 answered flow, 1 flow
  c('t', 'BOOLEAN'), // victim -> indicator seen
  c('f', 'BOOLEAN'), // indicator -> victim seen
  c('dev', 'VARCHAR'),
  c('f0', 'TIMESTAMP', true),
  c('l0', 'TIMESTAMP', true),
  c('events', 'BIGINT', true),
];

export const DERIVED_TABLES: Table[] = [
  {
    // The sightings that lie within one day, folded per day, victim, indicator (and report type),
    // kind and family: a window's full days read these instead of the hourly sightings.
    name: 'derived_pair_days',
    columns: [c('day', 'TIMESTAMP', true), ...PAIR_COLUMNS],
  },
  {
    // The sightings that span midnight (few: most lie within their hour), in the columns of
    // derived_pair_days less the day: a window reads them whole, with no scan of the sightings.
    name: 'derived_multiday',
    columns: PAIR_COLUMNS,
  },
  {
    // All sightings folded per victim, indicator, kind, family and import, ordered by victim (one
    // victim's evidence is a few blocks): the all-time window and lookups read these.
    name: 'derived_pairs_all',
    columns: [
      c('victim', 'ADDR', true),
      c('indicator_id', 'BIGINT'),
      c('rkey', 'VARCHAR'),
      c('kind', 'VARCHAR', true),
      c('family', 'VARCHAR'),
      c('import_id', 'INTEGER', true),
      c('g', 'UTINYINT', true),
      c('t', 'BOOLEAN'),
      c('f', 'BOOLEAN'),
      c('answered', 'BOOLEAN'),
      c('dev', 'VARCHAR'),
      c('f0', 'TIMESTAMP', true),
      c('l0', 'TIMESTAMP', true),
      c('events', 'BIGINT', true),
      c('bytes', 'UBIGINT'),
      c('first_line', 'INTEGER'),
      c('detail', 'VARCHAR'),
    ],
  },
  {
    // Distinct victims per indicator over all time (the indicator listing's "victims").
    name: 'derived_indicator_victims',
    columns: [c('indicator_id', 'BIGINT', true), c('victims', 'BIGINT', true)],
  },
  {
    // Each victim's owner from the contact database (the most specific block wins).
    name: 'derived_victim_owner',
    columns: [c('victim', 'ADDR', true), c('owner', 'VARCHAR')],
  },
];
