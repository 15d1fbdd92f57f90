// Tests that the CSV export reads back through the text-list importer unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toIntelCsv } from './csv-export.js';
import type { IndicatorRecord } from '../core/model/indicator.js';
import { parseIndicator, makeIndicator } from './normalize.js';
import { parseTextList } from './text-list.js';
import { toStixBundle } from './stix-export.js';
import { parseStixBundle } from './stix.js';
import { toMispEvent } from './misp-export.js';
import { parseMispJson } from './misp.js';

const rec = (token: string, extra: Parameters<typeof makeIndicator>[2] = {}): IndicatorRecord => makeIndicator(parseIndicator(token), 1, extra);

test('header and one plain row', () => {
  const csv = toIntelCsv([rec('192.0.2.1:23', { tags: ['mirai'] })]);
  assert.equal(csv, 'type,value,port,tags,category,first_seen,last_seen,description,for_detection,timeframe\nip-port,192.0.2.1:23,23,mirai,,,,,,\n');
});

test('awkward values survive the round trip', () => {
  const src = [
    rec('198.51.100.7', { tags: ['tier 2', 'a,b', 'c;d', 'e|f', 'back\\slash'], category: 'c2, proxy', firstSeen: Date.UTC(2024, 0, 1, 12, 0, 0, 123), lastSeen: Date.UTC(2024, 1, 1) }),
    rec('[2001:db8::1]:8443', { description: 'line one\nline two, with "quotes"', forDetection: false }),
    rec('http://x.example/a,b;c?d=1#frag'),
    rec('10.0.0.0/8', { description: '# not a comment' }),
    rec('relay.example', { category: 'Tier 3 Sparrow' }),
    rec('ab'.repeat(32)),
    rec('cd'.repeat(20)),
    rec('ef'.repeat(16), { description: 'Kv-all.sh' }),
    { ...rec('01'.repeat(32)), type: 'cert-sha256' as const },
    { ...rec('23'.repeat(20)), type: 'cert-sha1' as const },
    rec('198.51.100.12', { firstSeen: Date.UTC(2022, 1, 7), lastSeen: Date.UTC(2022, 4, 7) - 1, timeframe: 'Feb. 7 – May 6 2022' }),
    rec('198.51.100.13', { firstSeen: Date.UTC(2023, 0, 1), lastSeen: Date.UTC(2023, 1, 1) - 1, timeframe: 'Jan 2023 | Jan 5 - 9, 2023' }),
  ];
  const back = parseTextList(toIntelCsv(src));
  assert.deepEqual(back.rejected, []);
  assert.deepEqual(back.skipped, []);
  const strip = (l: IndicatorRecord[]) => l.map(({ line: _l, ...rest }) => rest);
  assert.deepEqual(strip(back.indicators), strip(src));
  // line numbers follow the file, the multi-line description taking two
  assert.deepEqual(back.indicators.map((i) => i.line), [2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
});

test('file hashes and timeframes go out to STIX and MISP as such and read back', () => {
  const src = [
    rec('ab'.repeat(32), { description: 'Kv-all.sh' }),
    rec('cd'.repeat(20)),
    rec('ef'.repeat(16)),
    { ...rec('01'.repeat(32)), type: 'cert-sha256' as const },
    rec('198.51.100.12:443', { category: 'Tier 2', firstSeen: Date.UTC(2022, 1, 7), lastSeen: Date.UTC(2022, 4, 7) - 1, timeframe: 'Feb. 7 – May 6 2022' }),
  ];
  const bundle = toStixBundle(src) as { objects: { pattern: string; x_botcensus_timeframe?: string }[] };
  assert.deepEqual(bundle.objects.slice(0, 4).map((o) => o.pattern), [
    `[file:hashes.'SHA-256' = '${'ab'.repeat(32)}']`,
    `[file:hashes.'SHA-1' = '${'cd'.repeat(20)}']`,
    `[file:hashes.MD5 = '${'ef'.repeat(16)}']`,
    `[x509-certificate:hashes.'SHA-256' = '${'01'.repeat(32)}']`,
  ]);
  const strip = (l: IndicatorRecord[]) => l.map(({ line: _l, ...rest }) => rest);
  assert.deepEqual(strip(parseStixBundle(bundle).indicators), strip(src));
  const event = toMispEvent(src) as { Event: { Attribute: { type: string; category: string }[] } };
  assert.deepEqual(event.Event.Attribute.map((a) => [a.type, a.category]), [
    ['sha256', 'Payload delivery'],
    ['sha1', 'Payload delivery'],
    ['md5', 'Payload delivery'],
    ['x509-fingerprint-sha256', 'Network activity'],
    ['ip-dst|port', 'Network activity'],
  ]);
  // MISP's own category (Payload delivery, Network activity) comes back where the source had none
  const back = parseMispJson(event).indicators.map((r, i) => {
    if (src[i]!.category) return r;
    const { category: _c, ...rest } = r;
    return rest;
  });
  assert.deepEqual(strip(back as IndicatorRecord[]), strip(src));
});
