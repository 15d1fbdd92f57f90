import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/store.js';
import { DeliveryError } from './channel.js';
import { victimsCsv } from './csv.js';
import { sendNotifications } from './outbox.js';
import { planNotifications } from './plan.js';
import { c2flow, fake, ingest, standardOwners, standardWorld, t, VICTIMS } from './test-scenario.js';
import { notifyStore } from './outbox-sql.js';
import { replaceOwners } from './owners-sql.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function world() {
  const store = await openTestStore();
  await standardWorld(store);
  await replaceOwners(store, standardOwners());
  return store;
}

test('plan: most specific owner wins, no-contact groups, evidence lines, one message per owner and channel', async () => {
  const store = await world();
  const plan = await planNotifications(store, { now: t('2024-06-11T00:00:00Z'), from: 'CERT <cert@cert.example>' });
  assert.deepEqual(
    plan.owners.map((g) => [g.owner, g.contact, g.victims.map((v) => v.ip).sort(), g.messages.map((m) => m.channel)]),
    [
      ['Customer, 192.0.3.0/28', true, [VICTIMS.customer], ['email']],
      ['Example Mobile C', true, [VICTIMS.mobile], ['webhook']],
      ['Example Telecom A', true, [VICTIMS.telecomFlow, VICTIMS.telecomDns, VICTIMS.telecomReport], ['email']],
      ['AS64503 Example IPv6 Net', false, [VICTIMS.v6], []],
      ['Example Cable B', false, [VICTIMS.cable], []], // an owner entry without emails or webhook
    ],
  );
  const customer = plan.owners[0]!;
  const ev = customer.victims[0]!.evidence;
  assert.equal(ev.length, 1);
  assert.deepEqual([ev[0]!.kind, ev[0]!.indicator, ev[0]!.tags, ev[0]!.firstLine], ['flow', '203.0.113.10', ['tier2'], 1]);
  assert.match(ev[0]!.file, /^sensor-\d+\.log$/);
  assert.deepEqual(customer.victims[0]!.due, { email: 'new' });
  const telecom = plan.owners[2]!;
  const msg = telecom.messages[0]!;
  assert.deepEqual(msg.recipients, ['abuse@telecom-a.example', 'noc@telecom-a.example']);
  assert.equal(msg.subject, '[botcensus] 3 compromised devices in your network (Example Telecom A)');
  assert.match(msg.messageId, /^<botcensus\.[0-9a-f]{32}@cert\.example>$/);
  // The same inputs give the same message: what makes a re-send after a crash identical.
  const again = await planNotifications(store, { now: t('2024-06-11T00:00:00Z'), from: 'CERT <cert@cert.example>' });
  assert.equal(again.owners[2]!.messages[0]!.payload, msg.payload);
  await store.close();
});

test('CSV: Shadowserver columns, device fields from the report row, one row per victim', async () => {
  const store = await world();
  const plan = await planNotifications(store, { now: t('2024-06-11T00:00:00Z') });
  const telecom = plan.owners.find((g) => g.owner === 'Example Telecom A')!;
  const lines = victimsCsv(telecom.victims).trimEnd().split('\r\n');
  assert.equal(lines[0], 'timestamp,ip,port,asn,geo,hostname,infection,family,tag,device_vendor,device_type,device_model,device_version,device_id,cc,first_seen,count,evidence,grade');
  const rows = new Map(lines.slice(1).map((l) => [l.split(',')[1], l]));
  assert.equal(rows.size, 3);
  assert.equal(rows.get(VICTIMS.telecomReport), '2024-06-10 13:00:00,192.0.3.22,8291,64500,US,cpe-22.telecom-a.example,mirai,mirai,router,MikroTik,router,hAP,6.40,,,2024-06-10 13:00:00,1,report,confirmed');
  assert.equal(rows.get(VICTIMS.telecomFlow), '2024-06-10 11:00:00,192.0.3.20,,64500,US,,raptor-train,raptor-train,tier2,,,,,,203.0.113.10,2024-06-10 11:00:00,1,flow,one-way');
  assert.equal(rows.get(VICTIMS.telecomDns), '2024-06-10 12:00:00,192.0.3.21,,64500,US,,raptor-train,raptor-train,tier3,,,,,,c2.example,2024-06-10 12:00:00,1,dns,confirmed');
  await store.close();
});

test('no spam: reported victims wait for new evidence or the interval; failures are retried or given up', async () => {
  const store = await world();
  const email = fake('email');
  const webhook = fake('webhook');
  const day0 = t('2024-06-11T00:00:00Z');
  const first = await sendNotifications(store, { now: day0, from: 'cert@cert.example', channels: { email, webhook } });
  assert.deepEqual([first.queued, first.sent, first.failed, first.pending], [3, 3, 0, 0]);
  assert.deepEqual(email.sent.map((r) => [r.owner, r.victims.length]), [['Customer, 192.0.3.0/28', 1], ['Example Telecom A', 3]]);
  assert.deepEqual(webhook.sent.map((r) => r.owner), ['Example Mobile C']);

  // An hour later nothing is due: no message at all.
  const later = await sendNotifications(store, { now: day0 + HOUR, from: 'cert@cert.example', channels: { email, webhook } });
  assert.equal(later.queued, 0);
  const plan = later.plan.owners.find((g) => g.owner === 'Example Telecom A')!;
  assert.ok(plan.victims.every((v) => v.due.email === 'reported'));

  // New evidence for one Telecom victim: a message with that victim only.
  await ingest(store, [c2flow(VICTIMS.telecomFlow, '2024-06-11T05:00:00Z')]);
  const fresh = await sendNotifications(store, { now: day0 + 6 * HOUR, from: 'cert@cert.example', channels: { email, webhook } });
  assert.equal(fresh.queued, 1);
  assert.deepEqual(email.sent.at(-1)!.victims, [VICTIMS.telecomFlow]);
  assert.equal(fresh.plan.owners.find((g) => g.owner === 'Example Telecom A')!.victims.find((v) => v.ip === VICTIMS.telecomFlow)!.due.email, 'new-evidence');

  // Mobile C's interval is 1 day, the others' 7: after 1 day only Mobile C is reminded.
  const d1 = await sendNotifications(store, { now: day0 + DAY, from: 'cert@cert.example', channels: { email, webhook } });
  assert.deepEqual(d1.plan.owners.filter((g) => g.messages.length).map((g) => g.owner), ['Example Mobile C']);
  assert.equal(d1.plan.owners.find((g) => g.owner === 'Example Mobile C')!.victims[0]!.due.webhook, 'interval-elapsed');
  // After 7 days everyone with a channel is reminded, but --since can leave stale victims out.
  const d7 = await planNotifications(store, { now: day0 + 7 * DAY });
  assert.deepEqual(d7.owners.filter((g) => g.messages.length).map((g) => g.owner), ['Customer, 192.0.3.0/28', 'Example Mobile C', 'Example Telecom A']);
  const recent = await planNotifications(store, { now: day0 + 7 * DAY, since: t('2024-06-11T00:00:00Z') });
  assert.deepEqual(recent.owners.map((g) => [g.owner, g.victims.map((v) => v.ip)]), [['Example Telecom A', [VICTIMS.telecomFlow]]]);

  // Every notification is recorded: owner, channel, recipients, message id, time, victims, outcome.
  const log = await notifyStore(store).notifications();
  assert.equal(log.length, 5);
  const telecom = log.find((r) => r.owner === 'Example Telecom A')!;
  assert.deepEqual([telecom.channel, telecom.status, telecom.attempts], ['email', 'sent', 1]);
  assert.deepEqual(telecom.recipients, ['abuse@telecom-a.example', 'noc@telecom-a.example']);
  assert.equal(telecom.sentAt?.getTime(), day0 + 6 * HOUR); // the newest first: the new-evidence message
  assert.match(telecom.response!, /^250 accepted <botcensus\./);
  await store.close();
});

test('a transient failure stays in the outbox and the next run sends it; a permanent one is final', async () => {
  const store = await world();
  const day0 = t('2024-06-11T00:00:00Z');
  let telecomTries = 0;
  const flaky = fake('email', (row) => (row.owner === 'Example Telecom A' && ++telecomTries <= 2 ? new DeliveryError('ECONNECTION: refused', false) : undefined));
  const refusing = fake('webhook', () => new DeliveryError('HTTP 410', true));
  const r1 = await sendNotifications(store, { now: day0, from: 'cert@cert.example', channels: { email: flaky, webhook: refusing } });
  assert.deepEqual([r1.sent, r1.failed, r1.pending], [1, 1, 1]);
  // The pending message's victims are not planned again while it waits.
  const r2 = await sendNotifications(store, { now: day0 + HOUR, from: 'cert@cert.example', channels: { email: flaky, webhook: refusing } });
  assert.deepEqual([r2.resumed.pending, r2.queued], [1, 1]); // still refused; Mobile C (failed) is due again
  assert.equal(r2.plan.owners.find((g) => g.owner === 'Example Mobile C')!.victims[0]!.due.webhook, 'new');
  const r3 = await sendNotifications(store, { now: day0 + 2 * HOUR, from: 'cert@cert.example', channels: { email: flaky } });
  assert.deepEqual([r3.resumed.sent, r3.queued, r3.pending], [1, 0, 0]);
  assert.deepEqual(r3.skipped, [{ owner: 'Example Mobile C', channel: 'webhook', reason: 'webhooks disabled' }]);
  const telecom = (await notifyStore(store).notifications({ owner: 'Example Telecom A' }))[0]!;
  assert.deepEqual([telecom.status, telecom.attempts, telecom.lastError], ['sent', 3, undefined]);
  const mobile = await notifyStore(store).notifications({ owner: 'Example Mobile C' });
  assert.deepEqual(mobile.map((r) => [r.status, r.attempts, r.lastError]), [['failed', 1, 'HTTP 410'], ['failed', 1, 'HTTP 410']]);
  // Without --from nothing is queued for email.
  const store2 = await world();
  await assert.rejects(sendNotifications(store2, { now: day0, channels: { email: fake('email') } }), /From: address/);
  assert.equal((await notifyStore(store2).notifications()).length, 0);
  await store.close();
  await store2.close();
});
