// Owner scoping: the most specific contact wins, and a scoped question counts nothing outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listOwners, ownerOf, replaceOwners } from '../../notify/owners-sql.js';
import type { ConformanceTarget } from './index.js';
import { ip, scenario } from './records.js';
import { census } from '../../census/count.js';
import { victims } from '../../census/victims.js';

export function ownersSuite({ name, open }: ConformanceTarget): void {
  test(`${name}: owners: the most specific contact wins, and owner scoping counts nothing outside`, async () => {
    const store = await scenario(await open());
    const base = { emails: [], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
    await replaceOwners(store, [
      { ...base, name: 'Example Telecom', asns: [64500, 64501], cidrs: [] },
      { ...base, name: 'Customer /28', asns: [], cidrs: ['192.0.3.0/28'] },
      { ...base, name: 'Mobile', asns: [], cidrs: ['198.51.101.0/24'] },
    ]);
    const owners = await listOwners(store);
    assert.deepEqual(owners.map((o) => [o.name, o.victims]), [['Customer /28', 2], ['Example Telecom', 2], ['Mobile', 2]]);
    assert.deepEqual(owners.find((o) => o.name === 'Example Telecom')!.asns, [64500, 64501]);
    const v = await victims(store, { owner: 'Customer /28' });
    assert.deepEqual(v.map((x) => x.ip).sort(), ['192.0.3.1', '192.0.3.3']);
    assert.ok(v.every((x) => x.owner === 'Customer /28'));
    // Every owner's census agrees with its count in the contact database (devices: D1 is one).
    const telecom = await census(store, { by: 'country', measure: 'cumulative', top: 10, owner: 'Example Telecom' });
    assert.equal(telecom.total, 1);
    assert.equal(telecom.addresses, 2);
    assert.deepEqual(telecom.excluded, { warninglisted: 0, outsideConstituency: 0 });
    for (const o of ['Customer /28', 'Mobile']) assert.equal((await census(store, { by: 'country', measure: 'cumulative', top: 10, owner: o })).addresses, 2);
    assert.equal(await ownerOf(store.driver, ip('192.0.3.1')), 'Customer /28');
    assert.equal(await ownerOf(store.driver, ip('192.0.3.200')), 'Example Telecom');
    assert.equal(await ownerOf(store.driver, ip('2001:db9::5')), undefined);
    // Replacing the contact database replaces it whole.
    await replaceOwners(store, [{ ...base, name: 'Mobile', asns: [], cidrs: ['198.51.101.0/24'] }]);
    assert.deepEqual((await listOwners(store)).map((o) => o.name), ['Mobile']);
    await assert.rejects(replaceOwners(store, [{ ...base, name: 'Bad', asns: [], cidrs: ['not a block'] }]), /not a CIDR/);
    assert.deepEqual((await listOwners(store)).map((o) => o.name), ['Mobile'], 'a bad file changes nothing');
    await store.close();
  });
}
