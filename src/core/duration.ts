// Durations as operators write them in settings: 90d, 12h, 2w, 30m; a bare number is days.
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Milliseconds, or null when the text is not a positive duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([mhdw]?)\s*$/i.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[(m[2] || 'd').toLowerCase()]!;
  return ms > 0 ? ms : null;
}
