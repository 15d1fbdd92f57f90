// Reads the validity windows advisories write in prose ("Dec 5, 2023 - Jan 3, 2024",
// "Feb. 7 – May 6 2022", "Dec 5 - 20, 2023", "March 2023") into whole UTC days.

/** A window of whole days: `from` is the first millisecond of its first day, `to` the last of its last day (undefined: still open). */
export interface Timeframe {
  from: number;
  to?: number;
}

const DAY_MS = 86_400_000;

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
};

/** One end as written: any part may be missing and is then taken from the other end. */
interface End {
  year?: number;
  month?: number;
  day?: number;
}

// Tokens: an ISO or slashed year-first date, a month name (abbreviated with or without a dot), a
// number with an optional ordinal suffix, a range word or dash.
const TOKEN = /(\d{4})[-/](\d{1,2})[-/](\d{1,2})|([a-z]+)\.?|(\d+)(?:st|nd|rd|th)?|([-–—]|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b)/giy;
const RANGE_WORDS = new Set(['-', '–', '—', 'to', 'through', 'thru', 'until', 'till', 'and']);
const OPEN_END = new Set(['present', 'now', 'today', 'ongoing', 'current']);
const FILLER = new Set(['from', 'since', 'between', 'of', 'the', 'on']);

/**
 * The window a timeframe text names, or a string saying why it cannot be read. One date is that
 * whole day; a month without a day is the whole month; a year alone the whole year. A year or
 * month written once belongs to both ends; a start later than its borrowed-year end falls in the
 * year before ("Dec 5 - Jan 3, 2024"). "present"/"ongoing" as the end leaves the window open.
 */
export function parseTimeframe(text: string): Timeframe | string {
  const sides: { parts: End; words: number; open: boolean }[] = [{ parts: {}, words: 0, open: false }];
  let since = false;
  const s = text.trim().replace(/,/g, ' ');
  if (s === '') return 'empty';
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i]!)) {
      i++;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(s);
    if (!m) return `unexpected ${JSON.stringify(s.slice(i, i + 12))}`;
    i = TOKEN.lastIndex;
    const side = sides[sides.length - 1]!;
    const [, isoY, isoM, isoD, word, num, range] = m;
    if (range !== undefined || (word !== undefined && RANGE_WORDS.has(word.toLowerCase()))) {
      if (sides.length > 1 || side.words === 0) return 'not a date range';
      sides.push({ parts: {}, words: 0, open: false });
      continue;
    }
    if (isoY !== undefined) {
      if (side.words) return 'a date written twice on one side';
      Object.assign(side.parts, { year: +isoY, month: +isoM!, day: +isoD! });
      side.words += 3;
    } else if (word !== undefined) {
      const w = word.toLowerCase();
      if (w === 'since' && sides.length === 1 && side.words === 0) since = true;
      if (FILLER.has(w)) continue;
      if (OPEN_END.has(w) && sides.length === 2) {
        side.open = true;
        side.words++;
        continue;
      }
      const month = MONTHS[w];
      if (month === undefined || side.parts.month !== undefined) return `not a month: ${JSON.stringify(word)}`;
      side.parts.month = month;
      side.words++;
    } else {
      const n = Number(num);
      if (num!.length === 4 && side.parts.year === undefined) side.parts.year = n;
      else if (num!.length <= 2 && n >= 1 && n <= 31 && side.parts.day === undefined) side.parts.day = n;
      else return `not a day or year: ${JSON.stringify(num)}`;
      side.words++;
    }
  }
  const [a, b] = sides;
  if (b && b.words === 0) return 'a range without its end';
  if (b?.open || (since && !b)) {
    const t = finish(a!.parts, undefined);
    if (typeof t !== 'string') delete t.to;
    return t;
  }
  return finish(a!.parts, b?.parts);
}

function finish(start: End, end: End | undefined): Timeframe | string {
  const one = end === undefined;
  const e: End = one ? { ...start } : { ...end };
  const st: End = { ...start };
  // What is written once belongs to both ends.
  const startBorrowed = st.year === undefined;
  const endBorrowed = e.year === undefined;
  st.year ??= e.year;
  e.year ??= st.year;
  st.month ??= st.day !== undefined ? e.month : undefined;
  e.month ??= e.day !== undefined ? st.month : undefined;
  if (st.year === undefined || e.year === undefined) return 'no year';
  if (st.day !== undefined && st.month === undefined) return 'a day without a month';
  let from = startOf(st);
  let to = endOf(e);
  if (typeof from === 'string') return from;
  if (typeof to === 'string') return to;
  // "Dec 5 - Jan 3, 2024" starts in the year before; "Dec 5, 2023 - Jan 3" ends in the year after.
  if (from > to && !one && (startBorrowed || endBorrowed)) {
    if (startBorrowed) from = startOf({ ...st, year: st.year - 1 });
    else to = endOf({ ...e, year: e.year + 1 });
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
  }
  if (from > to) return 'ends before it starts';
  return { from, to };
}

function startOf(p: End): number | string {
  const t = Date.UTC(p.year!, (p.month ?? 1) - 1, p.day ?? 1);
  return checked(p, t);
}

function endOf(p: End): number | string {
  // The next day (or month, or year) starts one millisecond later.
  const next = p.day !== undefined ? Date.UTC(p.year!, p.month! - 1, p.day + 1) : p.month !== undefined ? Date.UTC(p.year!, p.month, 1) : Date.UTC(p.year! + 1, 0, 1);
  const bad = checked(p, Date.UTC(p.year!, (p.month ?? 1) - 1, p.day ?? 1));
  return typeof bad === 'string' ? bad : next - 1;
}

/** A day that does not exist in its month (Feb 30) is an error, not the next month. */
function checked(p: End, t: number): number | string {
  if (p.year! < 1970 || p.year! > 2100) return `year ${p.year} out of range`;
  if (p.day !== undefined && new Date(t).getUTCDate() !== p.day) return `no day ${p.day} in month ${p.month} of ${p.year}`;
  return t;
}

/** A single date in prose ("Dec 15, 2023", "5 March 2024"): its whole day (or month), or undefined. */
export function proseDate(text: string): Timeframe | undefined {
  if (!/[a-z]/i.test(text)) return undefined;
  const t = parseTimeframe(text);
  return typeof t === 'string' ? undefined : t;
}

export { DAY_MS };
