// The owner rule, the same assertions on DuckDB and on ClickHouse: the longest block wins, any
// block beats an AS, an AS comes from the address's enrichment (or is given), and an address
// nobody owns has no owner. Then the rule as the portal and the contact database listing use it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../../test/engines.js';
import { buildScenario, HOSTILE } from '../../test/server-scenario.js';
import { parseCidr, parseIp } from '../core/ip.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import { addressOwner } from '../enrich/owner-rule.js';
import { refoldAll } from '../match/victim-fold.js';
import { listOwners, ownerOf, replaceOwners } from './owners-sql.js';
import { victims } from '../census/victims.js';

const ip = (s: string) => parseIp(s)!;
const all = await engines();

async function contacts(d: Driver): Promise<void> {
  const block = (owner: string, cidr: string) => {
    const r = parseCidr(cidr)!;
    return { owner, lo: r.lo, hi: r.hi, prefix: r.prefix128 };
  };
  await d.load(table('owner_keys'), [
    { owner: 'Telecom', asn: 64500 },
    block('Region /24', '192.0.2.0/24'),
    block('Customer /28', '192.0.2.16/28'),
    block('Wide /16', '198.51.0.0/16'),
    block('IPv6 customer', '2001:db8:1::/48'),
    { owner: 'Other AS', asn: 64501 },
  ]);
  await d.load(table('hosts'), [
    { ip: ip('192.0.2.20'), asn: 64500 },
    { ip: ip('203.0.113.5'), asn: 64500 },
    { ip: ip('203.0.113.6'), asn: 64999 },
    { ip: ip('2001:db8:1::9'), asn: 64501 },
  ]);
}

for (const engine of all) {
  describe(engine.name, { skip: engine.skip }, () => {
    test('each address gets its most specific owner', async () => {
      const d = await engine.open();
      try {
        await contacts(d);
        const addresses = ['192.0.2.20', '192.0.2.99', '198.51.100.1', '203.0.113.5', '203.0.113.6', '2001:db8:1::9', '2001:db8:2::1', '10.0.0.1'];
        const owners = Object.fromEntries(await Promise.all(addresses.map(async (a) => [a, await ownerOf(d, ip(a))])));
        assert.deepEqual(owners, {
          '192.0.2.20': 'Customer /28', // a /28 beats a /24 and the AS
          '192.0.2.99': 'Region /24',
          '198.51.100.1': 'Wide /16',
          '203.0.113.5': 'Telecom', // by its enrichment's AS
          '203.0.113.6': undefined, // an AS nobody owns
          '2001:db8:1::9': 'IPv6 customer', // a block beats the AS
          '2001:db8:2::1': undefined,
          '10.0.0.1': undefined,
        });
        const one = async (a: string, asn?: number) => (await d.one<{ owner: string }>(sql`SELECT o.owner AS owner FROM (${addressOwner(ip(a), asn)}) o`))?.owner;
        assert.deepEqual(
          [await one('203.0.113.77', 64500), await one('203.0.113.77'), await one('192.0.2.17', 64500), await one('192.0.2.200', 64501), await one('10.0.0.1', 1)],
          ['Telecom', undefined, 'Customer /28', 'Region /24', undefined],
          'an address that is no victim: its AS given',
        );
      } finally {
        await d.close();
      }
    });

    test('two owners of the same block: the least name, whatever order they were written in', async () => {
      const d = await engine.open();
      try {
        const r = parseCidr('192.0.2.0/24')!;
        const block = (owner: string) => ({ owner, lo: r.lo, hi: r.hi, prefix: r.prefix128 });
        await d.load(table('owner_keys'), [block('Zeta'), block('Alpha'), block('Mu')]);
        await d.load(table('hosts'), [{ ip: ip('192.0.2.7'), asn: 64500 }]);
        assert.equal(await ownerOf(d, ip('192.0.2.7')), 'Alpha');
      } finally {
        await d.close();
      }
    });

    test('the census gives each victim the rule\'s owner: an AS against blocks, a /0 block tied with an AS, two owners of one AS', async () => {
      const d = await engine.open();
      try {
        const base = { emails: [], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
        const addresses = ['192.0.2.20', '192.0.2.99', '198.51.100.1', '203.0.113.5', '203.0.113.6', '2001:db8:1::9', '10.0.0.1'];
        await d.load(table('hosts'), [
          { ip: ip('192.0.2.20'), asn: 64500 },
          { ip: ip('203.0.113.5'), asn: 64500 },
          { ip: ip('203.0.113.6'), asn: 64501 },
          { ip: ip('2001:db8:1::9'), asn: 64502 },
        ]);
        const hour = Date.parse('2024-06-01T10:00:00Z');
        await d.load(table('sightings'), addresses.map((v) => ({ victim: ip(v), kind: 'flow', import_id: 1, hour, first_seen: hour, last_seen: hour, events: 1 })));
        await d.atomically(() => refoldAll(d));
        const windowOwners = async () => {
          const rows = await victims({ driver: d }, { limit: 100 });
          return Object.fromEntries(rows.map((r) => [r.ip, r.owner ?? null]));
        };
        const ruleOwners = async () => Object.fromEntries(await Promise.all(addresses.map(async (a) => [a, (await ownerOf(d, ip(a))) ?? null])));
        const contactDatabases = [
          // ::/0 (which holds the IPv4 space too) ties with an AS: the least name wins, the block's
          // for 64500, the AS owner's for 64501; a /24 beats an AS.
          [
            { ...base, name: 'Nnet', asns: [64500], cidrs: ['192.0.2.0/24'] },
            { ...base, name: 'Everything', asns: [], cidrs: ['::/0'] },
            { ...base, name: 'Aardvark', asns: [64501], cidrs: [] },
            { ...base, name: 'Zed', asns: [64501, 64502], cidrs: [] },
            { ...base, name: 'Six', asns: [], cidrs: ['2001:db8::/32'] },
          ],
          // No blocks: every owner by its AS; no AS owners: every owner by its block.
          [{ ...base, name: 'Only AS', asns: [64500, 64502], cidrs: [] }],
          [{ ...base, name: 'Only block', asns: [], cidrs: ['203.0.113.0/25', '2001:db8::/33'] }],
        ];
        const seen = new Set<string>();
        for (const owners of contactDatabases) {
          await replaceOwners({ driver: d }, owners);
          const expected = await ruleOwners();
          assert.deepEqual(await windowOwners(), expected);
          for (const o of Object.values(expected)) seen.add(String(o));
        }
        // The cases above all took place: a /0 block beat an AS and lost to one, a block beat an AS.
        for (const o of ['Everything', 'Aardvark', 'Nnet', 'Six', 'Only AS', 'Only block', 'null']) assert.ok(seen.has(o), o);
        assert.deepEqual(await ruleOwners(), { ...Object.fromEntries(addresses.map((a) => [a, null])), '203.0.113.5': 'Only block', '203.0.113.6': 'Only block', '2001:db8:1::9': 'Only block' });
      } finally {
        await d.close();
      }
    });

    test('the contact database is replaced whole and lists the victims each owner is the most specific owner of', async () => {
      const d = await engine.open();
      try {
        const base = { emails: ['abuse@isp.example'], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
        await d.load(table('hosts'), [{ ip: ip('192.0.2.20'), asn: 64500 }, { ip: ip('203.0.113.5'), asn: 64500 }]);
        const hour = Date.parse('2024-06-01T10:00:00Z');
        await d.load(
          table('sightings'),
          ['192.0.2.20', '192.0.2.20', '192.0.2.99', '203.0.113.5', '10.0.0.1'].map((v) => ({ victim: ip(v), kind: 'flow', import_id: 1, hour, first_seen: hour, last_seen: hour, events: 1 })),
        );
        // Folded as an import folds its sightings: the census's all-time window reads the fold.
        await d.atomically(() => refoldAll(d));
        await replaceOwners({ driver: d }, [
          { ...base, name: 'Telecom', asns: [64500], cidrs: [] },
          { ...base, name: 'Customer /28', asns: [], cidrs: ['192.0.2.16/28'] },
          { ...base, name: 'Region /24', asns: [], cidrs: ['192.0.2.0/24'], webhookUrl: 'https://hooks.example/x' },
          { ...base, name: 'Idle', asns: [], cidrs: ['2001:db8:9::/48'] },
        ]);
        const owners = await listOwners({ driver: d });
        assert.deepEqual(owners.map((o) => [o.name, o.victims]), [['Customer /28', 1], ['Idle', 0], ['Region /24', 1], ['Telecom', 1]]);
        assert.deepEqual(owners.find((o) => o.name === 'Region /24'), { ...base, name: 'Region /24', asns: [], cidrs: ['192.0.2.0/24'], webhookUrl: 'https://hooks.example/x', webhookSecret: undefined, victims: 1 });
        await replaceOwners({ driver: d }, [{ ...base, name: 'Region /24', asns: [64500], cidrs: [] }]);
        assert.deepEqual((await listOwners({ driver: d })).map((o) => [o.name, o.victims]), [['Region /24', 2]], 'the old database is gone');
        assert.equal(await ownerOf(d, ip('192.0.2.20')), 'Region /24');
        await assert.rejects(replaceOwners({ driver: d }, [{ ...base, name: 'Bad', asns: [], cidrs: ['not a block'] }]), /not a CIDR/);
        assert.deepEqual((await listOwners({ driver: d })).map((o) => o.name), ['Region /24'], 'a bad file changes nothing');
        await replaceOwners({ driver: d }, []);
        assert.deepEqual([await listOwners({ driver: d }), await ownerOf(d, ip('192.0.2.20'))], [[], undefined]);
      } finally {
        await d.close();
      }
    });
  });
}

test('the portal and the contact database use the rule over the store (DuckDB scenario)', async () => {
  const { store } = await buildScenario();
  assert.equal(await ownerOf(store.driver, ip('192.0.3.1')), 'Telecom A');
  assert.equal(await ownerOf(store.driver, ip('192.0.3.130')), HOSTILE.owner); // /26 block inside AS64501
  assert.equal(await ownerOf(store.driver, ip('2001:db9::5')), undefined);
  assert.equal(await ownerOf(store.driver, ip('10.0.0.1')), undefined);
  await store.close();
});
