// Shared pieces of the victim-level queries (census, victims): sightings in a window reduced to
// one row per victim with its best evidence grade, device, enrichment and exclusion flags.
export { GRADE_OF_RANK, GRADE_RANK } from '../victim-windows.js';

/** One sighting's grade: a non-flow sighting confirms, an answered flow is two-way. */
export const SIGHTING_GRADE = `CASE WHEN kind <> 'flow' THEN 3 WHEN answered THEN 2 ELSE 1 END`;

/** A victim-indicator pair's grade from its best sighting `g` and its directions `t`, `f`: traffic both ways is two-way. */
export const PAIR_GRADE = `CASE WHEN g = 3 THEN 3 WHEN g = 2 OR (t AND f) THEN 2 ELSE 1 END`;

/**
 * CTE `vo(victim, owner)`: each victim's most specific owner from the contact database (a longer
 * prefix beats a shorter one, any block beats an ASN, among equals the least name: the rule of
 * src/enrich/owner-rule.ts), over the victims of CTE `s0`, which holds each victim once (a
 * DISTINCT here cost 0.1 s of CPU per 400k victims, twice).
 */
export const OWNER_CTE = `
  vo AS (
    SELECT victim, arg_min(owner, (-spec, owner)) AS owner FROM (
      SELECT x.victim, k.owner, k.prefix::INTEGER AS spec
      FROM s0 x JOIN (SELECT DISTINCT prefix FROM owner_keys WHERE prefix IS NOT NULL) pk ON true
      JOIN owner_keys k ON k.prefix = pk.prefix AND net_key(k.lo, k.prefix) = net_key(x.victim, pk.prefix)
      UNION ALL
      SELECT x.victim, k.owner, 0 AS spec
      FROM s0 x JOIN hosts h ON h.ip = x.victim JOIN owner_keys k ON k.asn = h.asn)
    GROUP BY victim)`;

/**
 * How far in time an identification reaches: a victim address counts as the device (stable identity
 * or identified address) that held it within this many days of its sightings, the nearest one when
 * the address changed hands. Beyond that the address may well be someone else's.
 */
export const IDENTITY_REACH_DAYS = 30;

/**
 * CTEs `vg1`, `tw` and `vg` over a CTE `vr` of victim rows (victim, indicator_id, g, t, f, dev, f0, l0,
 * events, owner): sightings, or sightings already folded per day or pair. `vg` is one row per
 * victim with its best evidence grade, device id, time span, events and owner.
 *
 * A victim's grade is the best of its (victim, indicator) pairs' grades (PAIR_GRADE), computed
 * without grouping every pair, which cost most of a window's build (3.2M pairs for 4.4M sightings
 * in the demo store): the best `g` of its rows settles confirmed and two-way; a row with both
 * directions makes its pair two-way; only one-way rows (g = 1) with a single direction can still
 * make a pair two-way together, and only those of the victims that are one-way so far but have
 * rows in both directions are grouped by pair (`tw`): a handful.
 */
export const VICTIM_GRADE_CTES = `
  vg1 AS (
    SELECT victim, greatest(max(g), CASE WHEN bool_or(t AND f) THEN 2 ELSE 1 END) AS g0, bool_or(t) AND bool_or(f) AS both_ways,
           max(dev) AS device, min(f0) AS f, max(l0) AS l, min(l0) AS first_end, max(f0) AS last_start, sum(events) AS events,
           any_value(owner) AS owner
    FROM vr GROUP BY victim),
  tw AS (
    SELECT DISTINCT victim FROM (
      SELECT victim, indicator_id FROM vr SEMI JOIN (SELECT victim FROM vg1 WHERE g0 = 1 AND both_ways) USING (victim)
      WHERE g = 1 AND t <> f
      GROUP BY victim, indicator_id HAVING bool_or(t) AND bool_or(f))),
  vg AS (
    SELECT vg1.victim, CASE WHEN tw.victim IS NOT NULL THEN 2 ELSE vg1.g0 END AS grade,
           vg1.device, vg1.f, vg1.l, vg1.first_end, vg1.last_start, vg1.events, vg1.owner
    FROM vg1 LEFT JOIN tw USING (victim))`;

/**
 * CTE `v` over a CTE `vg` (victim, grade, device, f, l, events, owner; see VICTIM_GRADE_CTES or
 * the victim fold): one row per
 * victim with its best evidence grade, the unit it counts as (the device when an identifier is known, else the address; both as one integer so
 * counting distinct units stays cheap), `ident` (its row in device_identities, if identified),
 * enrichment, warninglists and constituency. A stable identity from the identify stage (SSH host
 * key, certificate, device id seen across addresses) beats the report's own device id.
 */
export const VICTIM_ROW_CTES_FROM_GRADES = `
  idm AS (
    SELECT vt.victim,
           arg_min(da.device, (greatest(epoch_ms(da.first_seen) - epoch_ms(vt.l), epoch_ms(vt.f) - epoch_ms(da.last_seen), 0),
                               NOT da.stable, da.device)) AS ident
    FROM vg vt JOIN device_addresses da ON da.ip = vt.victim
    WHERE da.last_seen >= vt.f - INTERVAL '${IDENTITY_REACH_DAYS} days' AND da.first_seen <= vt.l + INTERVAL '${IDENTITY_REACH_DAYS} days'
    GROUP BY vt.victim),
  inr AS (SELECT DISTINCT vg.victim FROM vg JOIN constituency_ranges r ON vg.victim BETWEEN r.lo AND r.hi),
  wl AS (
    SELECT x.victim, string_agg(DISTINCT w.list, '; ') AS lists
    FROM vg x JOIN (SELECT DISTINCT prefix FROM warnings WHERE kind = 'cidr') pw ON true
    JOIN warnings w ON w.kind = 'cidr' AND w.prefix = pw.prefix AND net_key(w.lo, w.prefix) = net_key(x.victim, pw.prefix)
    GROUP BY x.victim),
  v AS (
    SELECT vg.victim, vg.grade,
           CASE WHEN idm.ident NOT LIKE 'ip:%' THEN hash(idm.ident)::UHUGEINT | (1::UHUGEINT << 127)
                WHEN vg.device IS NOT NULL THEN hash('id:' || lower(vg.device))::UHUGEINT | (1::UHUGEINT << 127)
                ELSE vg.victim END AS unit,
           coalesce(vg.device, CASE WHEN idm.ident NOT LIKE 'ip:%' THEN idm.ident END) AS device, idm.ident, h.country, h.asn, h.as_org, h.special, wl.lists AS warned_by, vg.owner,
           vg.f AS first_seen, vg.l AS last_seen, vg.events,
           (NOT $has_c OR list_contains(string_split($c_countries, ','), h.country) OR list_contains(string_split($c_asns, ','), h.asn::VARCHAR)
              OR inr.victim IS NOT NULL) AS inside
    FROM vg LEFT JOIN idm USING (victim) LEFT JOIN hosts h ON h.ip = vg.victim LEFT JOIN wl USING (victim) LEFT JOIN inr USING (victim))`;
