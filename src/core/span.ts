// Relative times ("7d", "24h", "2w", "90m"): one definition for every command and the API. A span
// counts back from a reference time, which is the latest sighting in the store (what "active" and
// the 7-day window of a census count back from), never the wall clock: a store of last month's
// files answers "the last 2 days" about the last 2 days of its data.

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SPAN_RE = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i;

/** "30d", "12h", "2w", "90m" to milliseconds; null when the text is not a span. */
export function parseSpan(text: string): number | null {
  const m = SPAN_RE.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]! : null;
}

/** The spelling of a span, for help texts. */
export const SPAN_HELP = 'a date-time (2024-06-01T00:00:00Z, 2024-06-01), or a span back from the latest sighting: 90m, 24h, 7d, 2w';
