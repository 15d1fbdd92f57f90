import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatIp, parseIp } from './ip.js';
import { BotcensusError } from './errors.js';
import { tempDir } from '../../test/tmp.js';
import { csvRanges, flatten, pfx2asRanges } from './range-files.js';
import { openProvider } from './providers.js';

const show = (rs: { lo: bigint; hi: bigint; asn?: number; org?: string; country?: string }[]) =>
  rs.map((r) => `${formatIp(r.lo)}-${formatIp(r.hi)} ${r.asn ?? r.country}${r.org ? ' ' + r.org : ''}`);
const ip = (s: string) => parseIp(s)!;

test('nested prefixes become disjoint ranges, the most specific answering for its own addresses', () => {
  const got = flatten([
    { lo: ip('10.0.0.0'), hi: ip('10.255.255.255'), asn: 1 },
    { lo: ip('10.1.0.0'), hi: ip('10.1.255.255'), asn: 2 },
    { lo: ip('10.1.2.0'), hi: ip('10.1.2.255'), asn: 3 },
    { lo: ip('10.0.0.0'), hi: ip('10.0.0.255'), asn: 4 },
    { lo: ip('11.0.0.0'), hi: ip('11.0.0.255'), asn: 5 },
  ]);
  assert.deepEqual(show(got), [
    '10.0.0.0-10.0.0.255 4',
    '10.0.1.0-10.0.255.255 1',
    '10.1.0.0-10.1.1.255 2',
    '10.1.2.0-10.1.2.255 3',
    '10.1.3.0-10.1.255.255 2',
    '10.2.0.0-10.255.255.255 1',
    '11.0.0.0-11.0.0.255 5',
  ]);
});

test('a pfx2as file: multi-origin and AS-set origins keep their first AS, IPv6 too, gzip or not', async () => {
  const dir = tempDir();
  const text = ['1.0.0.0\t24\t13335', '1.0.4.0\t22\t38803_56203', '1.0.4.0\t24\t38803', '2001:200::\t32\t2500,2501', ''].join('\n');
  const plain = join(dir, 'routeviews-rv2-20240601-1200.pfx2as');
  writeFileSync(plain, text);
  const gz = join(dir, 'routeviews-rv2-20240601-1200.pfx2as.gz');
  writeFileSync(gz, gzipSync(text));
  const want = ['1.0.0.0-1.0.0.255 13335', '1.0.4.0-1.0.7.255 38803', '2001:200::-2001:200:ffff:ffff:ffff:ffff:ffff:ffff 2500'];
  assert.deepEqual(show(await pfx2asRanges(plain, false)), want);
  const p = openProvider(gz, 'asn');
  assert.equal(p.name, 'RouteViews pfx2as');
  assert.equal(p.dataDate, '2024-06-01');
  const got = [];
  for await (const r of p.ranges()) got.push(r);
  assert.deepEqual(show(got), want);
  assert.throws(() => openProvider(plain, 'country'), /give it with --asn/);
});

test('a bad pfx2as or CSV line stops the file with its line and field', async () => {
  const dir = tempDir();
  const f = join(dir, 'p.pfx2as');
  writeFileSync(f, '1.0.0.0\t24\t13335\n1.0.1.0\t24\tAS13335\n');
  await assert.rejects(pfx2asRanges(f, false), (e: BotcensusError) => e.where.line === 2 && /not a pfx2as line/.test(e.message));
  const c = join(dir, 'dbip-country-lite-2024-06.csv');
  writeFileSync(c, '1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.0.0,CN\n');
  await assert.rejects(
    (async () => {
      for await (const _ of csvRanges(c, false, 'country'));
    })(),
    (e: BotcensusError) => e.where.line === 2 && e.where.field === 'last address',
  );
});

test('DB-IP Lite CSV: country and ASN files, quoted organisations with commas, IPv6 rows', async () => {
  const dir = tempDir();
  const cc = join(dir, 'dbip-country-lite-2024-06.csv');
  writeFileSync(cc, '1.0.0.0,1.0.0.255,AU\n2a00:1000::,2a00:1000:ffff:ffff:ffff:ffff:ffff:ffff,de\n');
  const asn = join(dir, 'dbip-asn-lite-2024-06.csv');
  writeFileSync(asn, '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n1.0.4.0,1.0.7.255,38803,Wireless Net\n');
  const all = async (p: ReturnType<typeof openProvider>) => {
    const out = [];
    for await (const r of p.ranges()) out.push(r);
    return show(out);
  };
  const pc = openProvider(cc, 'country');
  assert.equal(pc.name, 'DB-IP Country Lite (CSV)');
  assert.equal(pc.dataDate, '2024-06-01');
  assert.deepEqual(await all(pc), ['1.0.0.0-1.0.0.255 AU', '2a00:1000::-2a00:1000:ffff:ffff:ffff:ffff:ffff:ffff DE']);
  assert.deepEqual(await all(openProvider(asn, 'asn')), ['1.0.0.0-1.0.0.255 13335 Cloudflare, Inc.', '1.0.4.0-1.0.7.255 38803 Wireless Net']);
});

test('a file of another kind is refused with its name', () => {
  const f = join(tempDir(), 'notes.txt');
  writeFileSync(f, 'hello\n');
  assert.throws(() => openProvider(f, 'asn'), (e: BotcensusError) => e.where.file === f && /not a MaxMind DB/.test(e.message));
});
