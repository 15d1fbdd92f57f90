// What the flow prefilter keeps flows near, read from the store: the networks (core/flow-near.ts)
// of the detection address indicators. Written once over the driver; warning-listed indicators
// are kept too (a superset is safe: it only stores a few more flows).
import type { Driver } from '../../store/driver.js';
import { sql, type Sql } from '../../store/sql.js';
import type { IndicatorSelection } from '../../store/store.js';
import { ADDRESS_TYPES } from '../../match/indicators-sql.js';
import { NearNets } from './near-nets.js';

/** The indicators `which` selects: by the import that brought them, and by whether their window (widened by the grace) meets a span. */
function selected(which: IndicatorSelection): Sql {
  const imports = sql`i.import_id > ${which.after ?? -1} AND i.import_id <= ${which.through ?? 2 ** 31 - 1}`;
  const during = which.during;
  if (!during) return imports;
  const ms = (col: string) => sql.dialect((d) => d.epochMs(sql`i.${sql.ident(col)}`));
  const from = sql.typed(during.from - during.graceMs, 'count');
  const to = sql.typed(during.to + during.graceMs, 'count');
  return sql`${imports} AND (i.first_seen IS NULL OR ${ms('first_seen')} <= ${to}) AND (i.last_seen IS NULL OR ${ms('last_seen')} >= ${from})`;
}

/** The networks near the store's detection address indicators (those `which` selects, when given). */
export async function indicatorNets(d: Driver, which: IndicatorSelection = {}): Promise<NearNets> {
  const rows = await d.all<{ lo: bigint; hi: bigint }>(
    sql`SELECT DISTINCT i.lo AS lo, i.hi AS hi FROM indicators i
        WHERE i.type IN ${ADDRESS_TYPES} AND i.for_detection = 1 AND ${selected(which)} AND ${d.dialect.visibleRows(sql.ident('i'))}`,
  );
  const nets = new NearNets();
  for (const r of rows) nets.addAddressRange(BigInt(r.lo), BigInt(r.hi));
  return nets;
}
