// An indicator as the listings and lookup read it from the store.

/** A stored indicator, with its warninglists and victim count. */
export interface IndicatorRow {
  id: number;
  source: string;
  family?: string;
  type: string;
  value: string;
  tags: string[];
  category?: string;
  description?: string;
  firstSeen?: Date;
  lastSeen?: Date;
  /** The validity window as the source wrote it, beside firstSeen/lastSeen parsed from it. */
  timeframe?: string;
  forDetection: boolean;
  /** Warninglists the indicator is on: it is not used for matching. */
  warnings: string[];
  /** Distinct victims it matched. */
  victims: number;
}

/** Columns of `indicators` an IndicatorRow is read from. */
export const INDICATOR_COLUMNS = ['id', 'source', 'family', 'type', 'value', 'tags', 'category', 'description', 'first_seen', 'last_seen', 'timeframe', 'for_detection'];

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** A row of INDICATOR_COLUMNS as an IndicatorRow, with its warninglists and victim count. */
export function indicatorRow(r: Record<string, unknown>, warnings: string[] = [], victims = 0): IndicatorRow {
  return {
    id: Number(r.id),
    source: r.source as string,
    family: opt(r.family as string | null),
    type: r.type as string,
    value: r.value as string,
    tags: (r.tags as string[] | null) ?? [],
    category: opt(r.category as string | null),
    description: opt(r.description as string | null),
    firstSeen: opt(r.first_seen as Date | null),
    lastSeen: opt(r.last_seen as Date | null),
    timeframe: opt(r.timeframe as string | null),
    forDetection: Boolean(Number(r.for_detection)),
    warnings,
    victims,
  };
}
