// The prose validity windows advisories write, read into whole UTC days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimeframe } from './timeframe.js';

const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const endOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d + 1) - 1;

test('the shapes advisories write: full ranges, one day, en dashes, dotted abbreviations', () => {
  const cases: [string, number, number][] = [
    ['Dec 5, 2023 - Jan 3, 2024', day(2023, 12, 5), endOf(2024, 1, 3)],
    ['Dec 15, 2023', day(2023, 12, 15), endOf(2023, 12, 15)],
    ['Feb. 7 – May 6 2022', day(2022, 2, 7), endOf(2022, 5, 6)],
    ['Sept. 22 – Nov. 2 2022', day(2022, 9, 22), endOf(2022, 11, 2)],
    ['September 22nd — November 2nd, 2022', day(2022, 9, 22), endOf(2022, 11, 2)],
    ['5 March 2024 to 9 March 2024', day(2024, 3, 5), endOf(2024, 3, 9)],
    ['2023-12-05 - 2024-01-03', day(2023, 12, 5), endOf(2024, 1, 3)],
    ['between Jan 2 and Jan 9, 2024', day(2024, 1, 2), endOf(2024, 1, 9)],
  ];
  for (const [text, from, to] of cases) assert.deepEqual(parseTimeframe(text), { from, to }, text);
});

test('what is written once belongs to both ends; a month alone is the whole month', () => {
  const cases: [string, number, number][] = [
    ['Dec 5 - 20, 2023', day(2023, 12, 5), endOf(2023, 12, 20)],
    ['Nov 2022 - Jan 2023', day(2022, 11, 1), endOf(2023, 1, 31)],
    ['Nov - Dec 2022', day(2022, 11, 1), endOf(2022, 12, 31)],
    ['March 2023', day(2023, 3, 1), endOf(2023, 3, 31)],
    ['Feb 2024', day(2024, 2, 1), endOf(2024, 2, 29)],
    ['2022', day(2022, 1, 1), endOf(2022, 12, 31)],
    // the start takes the end's year, and falls in the year before when it would come after the end
    ['Dec 5 – Jan 3, 2024', day(2023, 12, 5), endOf(2024, 1, 3)],
    ['Dec 5, 2023 - Jan 3', day(2023, 12, 5), endOf(2024, 1, 3)],
  ];
  for (const [text, from, to] of cases) assert.deepEqual(parseTimeframe(text), { from, to }, text);
});

test('an end still open: "present", "ongoing", "since"', () => {
  assert.deepEqual(parseTimeframe('Jan 2024 - present'), { from: day(2024, 1, 1) });
  assert.deepEqual(parseTimeframe('Dec 5, 2023 – ongoing'), { from: day(2023, 12, 5) });
  assert.deepEqual(parseTimeframe('since Oct. 2023'), { from: day(2023, 10, 1) });
});

test('unreadable values say why', () => {
  const bad: [string, RegExp][] = [
    ['Dec 32, 2023', /not a day or year/],
    ['Feb 30 2023', /no day 30 in month 2/],
    ['sometime last year', /not a month/],
    ['Dec 5', /no year/],
    ['Jan 3, 2024 - Dec 5, 2023', /ends before it starts/],
    ['Q3 2023', /not a month/],
    ['Dec 5, 2023 -', /without its end/],
    ['', /empty/],
  ];
  for (const [text, why] of bad) {
    const r = parseTimeframe(text);
    assert.equal(typeof r, 'string', text);
    assert.match(r as string, why, text);
  }
});
