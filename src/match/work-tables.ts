// The work tables matching builds for one run (driver.withWorkTable): the usable indicators in
// the shapes the joins want, the candidate hits before they are grouped, the victims a change
// touches. Declared here, not in the shared schema: they live only while a match runs.
import { c, type Table } from '../store/schema.js';

/** The window columns every usable-indicator table has: its validity widened by the grace, NULL for an open end. */
const windowColumns = [c('win_from', 'time'), c('win_to', 'time')];

/** Usable address indicators (ip, cidr, ip-port) with the network key of their first address. */
export const IND_IP: Table = {
  name: 'match_ind_ip',
  columns: [c('id', 'int64'), c('lo', 'address'), c('hi', 'address'), c('prefix', 'uint8'), c('key', 'address'), c('port', 'uint16'), c('family', 'text'), ...windowColumns],
};

/** Usable domain and URL indicators. */
export const IND_DOM: Table = {
  name: 'match_ind_dom',
  columns: [c('id', 'int64'), c('domain', 'text'), c('url_path', 'text'), c('type', 'text'), c('family', 'text'), ...windowColumns],
};

/** Usable certificate fingerprints. */
export const IND_CERT: Table = {
  name: 'match_ind_cert',
  columns: [c('id', 'int64'), c('type', 'text'), c('value', 'text'), c('family', 'text'), ...windowColumns],
};

/** The /24s (their first address's low 32 bits) the usable IPv4 ranges cover: the coarse filter on flows. */
export const IND_IP4_24: Table = { name: 'match_ind_ip4_24', columns: [c('k', 'int64', true)] };

/** Address ranges with the network key of their first address (every address indicator; a warninglist's blocks). */
export const RANGES: Table = {
  name: 'match_ranges',
  columns: [c('lo', 'address'), c('hi', 'address'), c('prefix', 'uint8'), c('key', 'address')],
};

/** Candidate hits, one per telemetry row and indicator, before they are grouped into sightings. */
export const HITS: Table = {
  name: 'match_hits',
  columns: [
    c('victim', 'address'),
    c('indicator_id', 'int64'),
    c('kind', 'text'),
    c('import_id', 'int32'),
    c('ts', 'time'),
    c('te', 'time'),
    c('bytes', 'uint64'),
    c('to_ind', 'bool'),
    c('from_ind', 'bool'),
    c('answered', 'bool'),
    c('detail', 'text'),
    c('line', 'int32'),
    c('family', 'text'),
  ],
};

/** The victims whose sightings change (victim-fold.ts). */
export const FOLD_AFFECTED: Table = { name: 'match_fold_affected', columns: [c('victim', 'address')] };

/** Victims whose address is now an indicator: their sightings are withdrawn. */
export const INDICATOR_VICTIMS: Table = { name: 'match_indicator_victims', columns: [c('victim', 'address')] };

/** The victim-days whose sightings change (day-fold.ts). */
export const FOLD_DAYS_AFFECTED: Table = { name: 'match_fold_days_affected', columns: [c('victim', 'address', true), c('day', 'time', true)] };

/** Day offsets 0..n, to spread a sighting over the UTC days it touches (day-fold.ts). */
export const DAY_OFFSETS: Table = { name: 'match_day_offsets', columns: [c('day_offset', 'int64', true)] };

/**
 * A victim's sightings reduced to the figures its grade is settled from (victim-fold.ts): the best
 * single-sighting grade raised by a sighting seen both ways (g0), whether both directions occur at
 * all (both_ways), and its span and events.
 */
export const FOLD_VICTIM_GRADES: Table = {
  name: 'match_fold_grades',
  columns: [
    c('victim', 'address', true),
    c('g0', 'uint8', true),
    c('both_ways', 'uint8', true),
    c('device', 'text'),
    c('fs', 'time', true),
    c('ls', 'time', true),
    c('first_end', 'time', true),
    c('last_start', 'time', true),
    c('events', 'int64', true),
  ],
};

/** FOLD_VICTIM_GRADES' figures per victim and UTC day (day-fold.ts). */
export const FOLD_DAY_GRADES: Table = {
  name: 'match_fold_day_grades',
  columns: [c('victim', 'address', true), c('day', 'time', true), c('g0', 'uint8', true), c('both_ways', 'uint8', true)],
};
