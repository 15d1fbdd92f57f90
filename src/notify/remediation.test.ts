import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/store.js';
import type { Owner } from '../store/store.js';
import { DeliveryError } from './channel.js';
import { sendNotifications } from './outbox.js';
import { median, remediationSummary, remediationVictims, type RemediationGroup } from './remediation.js';
import { addIntel, c2flow, fake, ingest, t } from './test-scenario.js';
import { replaceOwners } from './owners-sql.js';

/*
 * Known answers. n0 = 2024-06-01 (first run), n1 = 2024-07-10 (second run), at = 2024-07-15.
 *   victim          owner      notified  sightings after notification   cleaned after 1/7/30   time to clean
 *   v1 192.0.3.1    Telecom A  n0        none                           yes/yes/yes            0
 *   v2 192.0.3.2    Telecom A  n0        n0+1d exactly (boundary)       yes/yes/yes            1
 *   v3 192.0.3.3    Telecom A  n0        n0+3d                          no/yes/yes             3
 *   v4 192.0.3.4    Telecom A  n0        n0+10d                         no/no/yes              10
 *   v5 192.0.3.130  Cable B    n0        2024-07-14 12:00 (at-0.5d)     no/no/no               still active
 *   v6 198.51.101.5 Mobile C   n0        n0+2d                          no/yes/yes             2
 *   v7 198.51.101.6 Mobile C   n1        none                           yes/-/- (5 days only)  0
 *   v8 2001:db9::5  IPv6 Net   its webhook refused: never notified, not counted
 */
const n0 = t('2024-06-01T00:00:00Z');
const n1 = t('2024-07-10T00:00:00Z');
const AT = t('2024-07-15T00:00:00Z');

async function remediationWorld() {
  const store = await openTestStore();
  await addIntel(store);
  const base = { asns: [] as number[], cidrs: [] as string[], emails: [] as string[], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
  const owners: Owner[] = [
    { ...base, name: 'Example Telecom A', asns: [64500], emails: ['abuse@a.example'] },
    { ...base, name: 'Example Cable B', cidrs: ['192.0.3.128/25'], emails: ['abuse@b.example'] },
    { ...base, name: 'Example Mobile C', asns: [64502], webhookUrl: 'http://127.0.0.1:9/c', webhookSecret: 'k' },
    { ...base, name: 'Example IPv6 Net', cidrs: ['2001:db9::/32'], webhookUrl: 'http://127.0.0.1:9/v6', webhookSecret: 'k' },
  ];
  await replaceOwners(store, owners);
  const before = '2024-05-30T10:00:00Z';
  await ingest(store, ['192.0.3.1', '192.0.3.2', '192.0.3.3', '192.0.3.4', '192.0.3.130', '198.51.101.5', '2001:db9::5'].map((v) => c2flow(v, before)));
  const channels = { email: fake('email'), webhook: fake('webhook', (r) => (r.owner === 'Example IPv6 Net' ? new DeliveryError('HTTP 404', true) : undefined)) };
  const first = await sendNotifications(store, { now: n0, from: 'cert@cert.example', channels });
  assert.deepEqual([first.sent, first.failed], [3, 1]);
  await ingest(store, [
    c2flow('192.0.3.2', '2024-06-02T00:00:00Z'),
    c2flow('192.0.3.3', '2024-06-04T00:00:00Z'),
    c2flow('192.0.3.4', '2024-06-11T00:00:00Z'),
    c2flow('198.51.101.5', '2024-06-03T00:00:00Z'),
    c2flow('198.51.101.6', '2024-07-09T00:00:00Z'),
  ]);
  const second = await sendNotifications(store, { now: n1, since: t('2024-07-05T00:00:00Z'), from: 'cert@cert.example', channels });
  assert.deepEqual(second.plan.owners.map((g) => [g.owner, g.victims.map((v) => v.ip)]), [['Example Mobile C', ['198.51.101.6']]]);
  await ingest(store, [c2flow('192.0.3.130', '2024-07-14T12:00:00Z')]);
  return store;
}

/** [key, notified, seen after, cleaned, [cleaned/eligible after 1, 7, 30], median days] */
const fig = (g: RemediationGroup) => [g.key, g.notified, g.seenAfter, g.cleaned, g.after.map((s) => `${s.cleaned}/${s.eligible}`), g.medianDaysToClean];

test('remediation figures on a fixture with known answers, by owner, country and ASN', async () => {
  const store = await remediationWorld();
  const s = await remediationSummary(store, { at: AT });
  assert.deepEqual(fig(s.total), ['total', 7, 5, 6, ['3/7', '4/6', '5/6'], 1.5]);
  assert.deepEqual(s.byOwner.map(fig), [
    ['Example Telecom A', 4, 3, 4, ['2/4', '3/4', '4/4'], 2],
    ['Example Mobile C', 2, 1, 2, ['1/2', '1/1', '1/1'], 1],
    ['Example Cable B', 1, 1, 0, ['0/1', '0/1', '0/1'], null],
  ]);
  assert.deepEqual(s.byOwner[0]!.after.map((x) => x.share), [0.5, 0.75, 1]);
  assert.deepEqual(s.byCountry.map(fig), [
    ['US', 5, 4, 4, ['2/5', '3/5', '4/5'], 2],
    ['VN', 2, 1, 2, ['1/2', '1/1', '1/1'], 1],
  ]);
  assert.deepEqual(s.byCountry.map((g) => g.label), ['United States', 'Vietnam']);
  assert.deepEqual(s.byAsn.map((g) => [g.key, g.label, g.notified]), [
    ['64500', 'AS64500 Example Telecom A', 4],
    ['64502', 'AS64502 Example Mobile C', 2],
    ['64501', 'AS64501 Example Cable B', 1],
  ]);

  const vs = new Map((await remediationVictims(store, { at: AT })).map((v) => [v.ip, v]));
  assert.equal(vs.size, 7);
  assert.ok(!vs.has('2001:db9::5'), 'a refused notification is no notification');
  const v5 = vs.get('192.0.3.130')!;
  assert.deepEqual([v5.seenAfter, v5.lastSeenAfter?.toISOString(), v5.cleaned, v5.after], [true, '2024-07-14T12:00:00.000Z', false, { 1: false, 7: false, 30: false }]);
  const v7 = vs.get('198.51.101.6')!;
  assert.deepEqual([v7.notifiedAt.getTime(), v7.seenAfter, v7.cleaned, v7.daysToClean, v7.after], [n1, false, true, 0, { 1: true, 7: null, 30: null }]);
  assert.deepEqual(vs.get('192.0.3.2')!.after, { 1: true, 7: true, 30: true }); // seen at exactly n0 + 1 day
  // A shorter quiet period counts v5 as cleaned, 43.5 days after notification.
  const quick = await remediationSummary(store, { at: AT, quietDays: 0.25 });
  assert.deepEqual(fig(quick.byOwner.find((g) => g.key === 'Example Cable B')!), ['Example Cable B', 1, 1, 1, ['0/1', '0/1', '0/1'], 43.5]);
  await store.close();
});

test('the reference time hides later sightings and notifications; the 30-day boundary is inclusive', async () => {
  const store = await remediationWorld();
  const s = await remediationSummary(store, { at: n0 + 30 * 86_400_000 });
  // v7's notification (n1) and v5's sighting (07-14) are after this reference time.
  assert.deepEqual(fig(s.total), ['total', 6, 4, 6, ['3/6', '5/6', '6/6'], 1.5]);
  const byDefault = await remediationSummary(store);
  assert.equal(byDefault.at.toISOString(), '2024-07-14T12:00:00.000Z'); // the latest sighting
  assert.equal(byDefault.total.notified, 7);
  assert.deepEqual([median([]), median([3]), median([4, 1, 2]), median([1, 2, 3, 10])], [null, 3, 2, 2.5]);
  await store.close();
});
