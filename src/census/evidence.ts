// The evidence of a window (WindowRelations.evidence) read from the sightings themselves.
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';

/** Rows of a shared table `alias` that readers may see. */
export const visible = (d: Driver, alias: string): Sql => d.dialect.visibleRows(sql.ident(alias));

/**
 * The window's sightings as evidence rows (WindowRelations.evidence): a sighting counts when it
 * overlaps [from, to]. `g` is its grade alone: a non-flow sighting confirms, an answered flow is
 * two-way; `t` and `f` the directions seen (1 or 0). `only` narrows the sightings (alias `s`).
 */
export function sightingEvidence(d: Driver, from: number | undefined, to: number | undefined, only?: Sql): Sql {
  const bounds = [sql`${visible(d, 's')}`];
  if (only) bounds.push(only);
  if (from !== undefined) bounds.push(sql`s.last_seen >= ${sql.time(from)}`);
  if (to !== undefined) bounds.push(sql`s.first_seen <= ${sql.time(to)}`);
  return sql`(SELECT s.victim AS victim, s.indicator_id AS indicator_id, CASE WHEN s.indicator_id IS NULL THEN s.detail END AS rkey,
                     s.kind AS kind, s.family AS family, CASE WHEN s.kind <> 'flow' THEN 3 WHEN s.answered = 1 THEN 2 ELSE 1 END AS g,
                     CASE WHEN s.to_indicator = 1 THEN 1 ELSE 0 END AS t, CASE WHEN s.from_indicator = 1 THEN 1 ELSE 0 END AS f,
                     s.device_id AS dev, s.first_seen AS f0, s.last_seen AS l0, s.events AS events
              FROM sightings s WHERE ${sql.join(bounds, sql` AND `)})`;
}
