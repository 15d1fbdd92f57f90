// Tests for the Zeek intel importer and the lossless writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BotcensusError } from '../core/errors.js';
import { parseTextList } from './text-list.js';
import { parseZeekIntel, toZeekIntel } from './zeek-intel.js';

const feed = readFileSync(fileURLToPath(new URL('../../../test/fixtures/intel/feed.zeek-intel.dat', import.meta.url)), 'utf8');

test('every Zeek type we match, with source as tag and desc/url as description', () => {
  const r = parseZeekIntel(feed);
  assert.deepEqual(r.indicators.map((i) => [i.line, i.type, i.value]), [
    [2, 'ip', '198.51.100.50'],
    [3, 'cidr', '198.51.100.0/25'],
    [4, 'domain', 'c2.example'],
    [5, 'url', 'http://c2.example/gate.php'],
    [6, 'cert-sha1', '0123456789abcdef0123456789abcdef01234567'],
  ]);
  assert.deepEqual(r.indicators[0]!.tags, ['fixture-feed']);
  assert.equal(r.indicators[2]!.description, 'beacon domain <https://cert.example/advisory/1>');
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.reason]), [
    [7, 'unsupported Zeek intel type Intel::EMAIL'],
    [8, 'unsupported Zeek intel type Intel::USER_NAME'],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[9, 'indicator']]);
});

test('meta.whitelist=T gives a warning entry, not an indicator; duplicates fold', () => {
  const r = parseZeekIntel(
    '#fields\tindicator\tindicator_type\tmeta.source\tmeta.whitelist\n' +
      'safe.example\tIntel::DOMAIN\tops\tT\n192.0.2.0/24\tIntel::SUBNET\tops\tT\n' +
      '192.0.2.5\tIntel::ADDR\tops\tF\n192.0.2.5\tIntel::ADDR\tother\tF\n',
  );
  assert.deepEqual(r.warnings.map((w) => [w.kind, w.value, w.list]), [
    ['domain', 'safe.example', 'Zeek intel whitelist (ops)'],
    ['cidr', '192.0.2.0/24', 'Zeek intel whitelist (ops)'],
  ]);
  assert.deepEqual(r.indicators.map((i) => [i.value, i.tags]), [['192.0.2.5', ['ops', 'other']]]);
  assert.equal(r.duplicates, 1);
});

test('a file without #fields, or without indicator_type, is not Zeek intel', () => {
  assert.throws(() => parseZeekIntel('1.2.3.4\tIntel::ADDR\tx\n'), (e: unknown) => e instanceof BotcensusError && e.code === 'BAD_INPUT' && e.where.line === 1);
  assert.throws(() => parseZeekIntel('#fields\tindicator\tmeta.source\n'), (e: unknown) => e instanceof BotcensusError && e.where.field === 'indicator_type');
});

test('toZeekIntel re-imports losslessly; ip-port is listed in a comment, not dropped silently', () => {
  const src = parseTextList(
    [
      'value,type,tags,category,first_seen,last_seen,description,for_detection',
      '198.51.100.5,ip,tier 2;a\\,b,c2,2024-01-01T00:00:00Z,2024-02-01T00:00:00Z,"tab\there",false',
      '2001:db8::/48,cidr,,,,,-,',
      'http://x.example/gate.php?a=1,url,,,,,,',
      'https://y.example/,url,,,,,,',
      'c2.example,domain,,,,,,',
      `${'ef'.repeat(32)},cert-sha256,,,,,,`,
      '192.0.2.1:23,ip-port,,,,,,',
    ].join('\n'),
  ).indicators;
  const out = toZeekIntel(src, 'botcensus');
  assert.match(out, /^#fields\tindicator\tindicator_type\tmeta\.source\tmeta\.desc\t/);
  assert.match(out, /\nx\.example\/gate\.php\?a=1\tIntel::URL\tbotcensus\t/);
  assert.match(out, /\n# not expressible in Zeek intel \(no ip-port type\): 192\.0\.2\.1:23\n/);
  const back = parseZeekIntel(out);
  const strip = (l: typeof src) => l.map(({ line: _l, ...rest }) => rest);
  assert.deepEqual(strip(back.indicators), strip(src.filter((i) => i.type !== 'ip-port')));
  assert.deepEqual(back.rejected, []);
});

test('file hashes go out as Intel::FILE_HASH and come back as file hashes; certificates as Intel::CERT_HASH', () => {
  const text = toZeekIntel(parseTextList(`Files\n${'ab'.repeat(32)}\n${'cd'.repeat(16)}\nSSL certificates\n${'ef'.repeat(20)}\n`).indicators, 'advisory');
  assert.deepEqual(text.split('\n').slice(1, 4).map((l) => l.split('\t').slice(0, 2).join(' ')), [
    `${'ab'.repeat(32)} Intel::FILE_HASH`,
    `${'cd'.repeat(16)} Intel::FILE_HASH`,
    `${'ef'.repeat(20)} Intel::CERT_HASH`,
  ]);
  assert.deepEqual(parseZeekIntel(text).indicators.map((i) => i.type), ['file-sha256', 'file-md5', 'cert-sha1']);
});
