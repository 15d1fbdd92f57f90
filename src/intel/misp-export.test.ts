import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMispJson } from './misp.js';
import { toMispEvent } from './misp-export.js';
import { makeIndicator, parseIndicator } from './normalize.js';

test('a MISP event written from indicators reads back to the same indicators, and is the same on every export', () => {
  const records = [
    makeIndicator(parseIndicator('stats.tracker.example'), 1, { tags: ['mail-tracking'], description: 'beacon host', firstSeen: Date.UTC(2026, 10, 2) }),
    makeIndicator(parseIndicator('203.0.113.9'), 2, { tags: [], forDetection: false }),
    makeIndicator(parseIndicator('198.51.100.4:8443'), 3),
    makeIndicator(parseIndicator('https://t.example/o?id=1'), 4, { lastSeen: Date.UTC(2026, 11, 1) }),
  ];
  const event = toMispEvent(records, { info: 'beacons', tags: ['tlp:amber'] });
  assert.deepEqual(toMispEvent(records, { info: 'beacons', tags: ['tlp:amber'] }), event);
  const back = parseMispJson(JSON.parse(JSON.stringify(event)));
  assert.deepEqual(back.rejected, []);
  assert.deepEqual(back.skipped, []);
  assert.deepEqual(
    back.indicators.map((i) => [i.type, i.value, i.tags, i.description, i.firstSeen, i.lastSeen, i.forDetection]),
    [
      ['domain', 'stats.tracker.example', ['tlp:amber', 'mail-tracking'], 'beacon host', Date.UTC(2026, 10, 2), undefined, true],
      ['ip', '203.0.113.9', ['tlp:amber'], undefined, undefined, undefined, false],
      ['ip-port', '198.51.100.4:8443', ['tlp:amber'], undefined, undefined, undefined, true],
      ['url', 'https://t.example/o?id=1', ['tlp:amber'], undefined, undefined, Date.UTC(2026, 11, 1), true],
    ],
  );
  assert.equal((event as { Event: { date: string } }).Event.date, '2026-11-02');
});
