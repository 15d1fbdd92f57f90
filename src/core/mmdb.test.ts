// MaxMind DB files written in the test (test/mmdb-writer.ts): the walk gives each network with its
// data, in store form, for IPv6 trees (IPv4 at ::/96) and IPv4 trees, and the records of MaxMind,
// IPinfo and DB-IP shapes are read for their AS and country.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from 'mmdb-lib';
import { formatIp } from './ip.js';
import { tempDir } from '../../test/tmp.js';
import { writeMmdb } from '../../test/mmdb-writer.js';
import { asnOfRecord, countryOfRecord, openMmdb } from './mmdb.js';
import { openProvider } from './providers.js';

const NETS = {
  '1.0.0.0/24': { autonomous_system_number: 13335, autonomous_system_organization: 'Example Edge' },
  '81.2.69.160/27': { autonomous_system_number: 20712, autonomous_system_organization: 'Example Hosting UK' },
  '2a02:ff0::/32': { autonomous_system_number: 12345, autonomous_system_organization: 'Example v6' },
};

const walk = (file: string) => [...openMmdb(file).networks()].map(([lo, hi, r]) => `${formatIp(lo)}-${formatIp(hi)} ${JSON.stringify(r)}`);

test('the walk of an IPv6 tree gives each network once, IPv4 ones as IPv4, in address order, as mmdb-lib reads them', () => {
  const file = join(tempDir(), 'asn.mmdb');
  writeMmdb(file, 'GeoLite2-ASN', NETS);
  assert.deepEqual(walk(file), [
    `1.0.0.0-1.0.0.255 ${JSON.stringify(NETS['1.0.0.0/24'])}`,
    `81.2.69.160-81.2.69.191 ${JSON.stringify(NETS['81.2.69.160/27'])}`,
    `2a02:ff0::-2a02:ff0:ffff:ffff:ffff:ffff:ffff:ffff ${JSON.stringify(NETS['2a02:ff0::/32'])}`,
  ]);
  const reader = new Reader(readFileSync(file));
  assert.deepEqual(reader.get('81.2.69.170'), NETS['81.2.69.160/27']);
  assert.equal(reader.get('81.2.69.192'), null);
  const p = openProvider(file, 'asn');
  assert.deepEqual([p.name, p.dataDate, p.licence], ['GeoLite2-ASN', '2024-05-01', 'GeoLite2 EULA (MaxMind; attribution required)']);
});

test('an IPv4 tree, and the record shapes of MaxMind, IPinfo Lite and DB-IP', async () => {
  const file = join(tempDir(), 'ipinfo.mmdb');
  writeMmdb(file, 'ipinfo lite', { '5.1.0.0/16': { asn: 'AS64511', as_name: 'Example Broadband', country_code: 'de' } }, 4);
  assert.deepEqual(walk(file), [`5.1.0.0-5.1.255.255 ${JSON.stringify({ asn: 'AS64511', as_name: 'Example Broadband', country_code: 'de' })}`]);
  const ranges = async (role: 'asn' | 'country') => {
    const out = [];
    for await (const r of openProvider(file, role).ranges()) out.push([formatIp(r.lo), r.asn ?? r.country, r.org]);
    return out;
  };
  assert.deepEqual(await ranges('asn'), [['5.1.0.0', 64511, 'Example Broadband']]);
  assert.deepEqual(await ranges('country'), [['5.1.0.0', 'DE', undefined]]);
  assert.equal(openProvider(file, 'asn').licence, 'CC BY-SA 4.0 (IPinfo Lite)');
  assert.equal(countryOfRecord({ country: { iso_code: 'GB' }, registered_country: { iso_code: 'FR' } }), 'GB');
  assert.equal(countryOfRecord({ registered_country: { iso_code: 'FR' } }), 'FR');
  assert.equal(countryOfRecord({ continent: { code: 'EU' } }), undefined);
  assert.deepEqual(asnOfRecord({ autonomous_system_number: 3320, autonomous_system_organization: 'X' }), { asn: 3320, org: 'X' });
  assert.equal(asnOfRecord({ country: { iso_code: 'DE' } }), undefined);
});

test('a file that claims to be a MaxMind DB but cannot be read is refused with its name', () => {
  const file = join(tempDir(), 'broken.mmdb');
  writeMmdb(file, 'GeoLite2-Country', { '1.0.0.0/24': { country: { iso_code: 'AU' } } });
  const b = readFileSync(file);
  const cut = b.subarray(b.length - 20); // the marker and a truncated metadata map
  const bad = join(tempDir(), 'cut.mmdb');
  writeFileSync(bad, Buffer.concat([Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), cut.subarray(0, 3)]));
  assert.throws(() => openProvider(bad, 'country'), (e: { where?: { file?: string } }) => e.where?.file === bad);
});
