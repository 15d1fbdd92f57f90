// Timestamps in every spelling telemetry uses, to epoch milliseconds (UTC).

export interface TimeOptions {
  /** Offset applied to times written without a zone, e.g. "+02:00"; UTC when absent. */
  tz?: string;
}

const EPOCH_RE = /^\d{9,10}(\.\d+)?$/;
const EPOCH_MS_RE = /^\d{12,13}(\.\d+)?$/;
// 2024-06-01 12:00:00[.123][Z|+hh:mm|+hhmm| UTC]
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/i;

/** Parses epoch seconds, epoch milliseconds or an ISO-like date-time; returns null if unreadable. */
export function parseTime(text: string, opts: TimeOptions = {}): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (EPOCH_RE.test(s)) return Number(s) * 1000;
  if (EPOCH_MS_RE.test(s)) return Number(s);
  const m = ISO_RE.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    let ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, sec ? +sec : 0);
    if (frac) ms += Number(frac) * 1000;
    const z = zone ?? opts.tz;
    if (z && !/^(Z|UTC)$/i.test(z)) ms -= offsetMinutes(z) * 60_000;
    return Number.isFinite(ms) && +mo! >= 1 && +mo! <= 12 && +d! >= 1 && +d! <= 31 ? ms : null;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const ms = Date.parse(s + 'T00:00:00Z');
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/** "+02:00", "+0200", "-05" to minutes east of UTC. */
export function offsetMinutes(z: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z.trim());
  if (!m) throw new Error(`not a UTC offset: ${z}`);
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
