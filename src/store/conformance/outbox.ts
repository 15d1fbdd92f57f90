// The notification outbox: queued once per dedupe key, delivered or retried or failed, and what
// each notification covered, read back for planning and remediation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notifyStore } from '../../notify/outbox-sql.js';
import type { OutboxMessage } from '../../notify/outbox-store.js';
import type { ConformanceTarget } from './index.js';
import { flow, ingest, scenario, t } from './records.js';

function message(owner: string, key: string, ips: string[], until = '2024-06-12T00:00:00Z'): OutboxMessage {
  return {
    owner,
    channel: 'email',
    recipients: [`abuse@${owner.toLowerCase()}.example`],
    dedupeKey: key,
    messageId: `<${key}@botcensus.example>`,
    subject: `Compromised devices: ${"'; DROP TABLE notifications; --"}`,
    payload: JSON.stringify({ ips }),
    victims: ips.map((ip) => ({ ip, firstSeen: new Date(t('2024-06-10T10:00:00Z')), evidenceUntil: new Date(t(until)), events: 2 })),
  };
}

export function outboxSuite({ name, open }: ConformanceTarget): void {
  test(`${name}: the outbox queues once per key, records attempts, and reports what it covered`, async () => {
    const store = await scenario(await open());
    const n = notifyStore(store);
    const ids = await n.enqueue([message('Telecom', 'k1', ['192.0.3.1', '192.0.3.3']), message('Mobile', 'k2', ['198.51.101.7'])], t('2024-06-13T00:00:00Z'));
    assert.equal(ids.length, 2);
    assert.ok(ids.every((id) => typeof id === 'number') && ids[0] !== ids[1]);
    assert.deepEqual(await n.enqueue([message('Telecom', 'k1', ['192.0.3.1', '192.0.3.3']), message('Telecom', 'k3', ['192.0.3.200'])], t('2024-06-13T01:00:00Z')), [null, ids[1]! + 1]);
    const pending = await n.pending();
    assert.deepEqual(pending.map((p) => [p.id, p.owner, p.status, p.victims]), [
      [ids[0], 'Telecom', 'pending', ['192.0.3.1', '192.0.3.3']],
      [ids[1], 'Mobile', 'pending', ['198.51.101.7']],
      [ids[1]! + 1, 'Telecom', 'pending', ['192.0.3.200']],
    ]);
    assert.equal(pending[0]!.subject, "Compromised devices: '; DROP TABLE notifications; --");
    assert.equal(pending[0]!.createdAt.toISOString(), '2024-06-13T00:00:00.000Z');
    // Delivered; a transient failure stays pending until the last attempt; a permanent one fails.
    assert.equal(await n.recordAttempt(ids[0]!, { ok: true, at: t('2024-06-13T02:00:00Z'), response: '250 OK' }, 3), 'sent');
    assert.equal(await n.recordAttempt(ids[1]!, { ok: false, at: t('2024-06-13T02:00:00Z'), error: 'timeout', permanent: false }, 2), 'pending');
    assert.equal(await n.recordAttempt(ids[1]!, { ok: false, at: t('2024-06-13T03:00:00Z'), error: 'timeout', permanent: false }, 2), 'failed');
    assert.equal(await n.recordAttempt(ids[1]! + 1, { ok: false, at: t('2024-06-13T02:00:00Z'), error: '550 no such user', permanent: true }, 5), 'failed');
    const all = await n.notifications();
    assert.deepEqual(all.map((r) => [r.id, r.status, r.attempts]), [[ids[1]! + 1, 'failed', 1], [ids[1], 'failed', 2], [ids[0], 'sent', 1]]);
    assert.equal(all[2]!.sentAt?.toISOString(), '2024-06-13T02:00:00.000Z');
    assert.equal(all[2]!.response, '250 OK');
    assert.equal(all[1]!.lastError, 'timeout');
    assert.deepEqual((await n.notifications({ owner: 'Telecom', status: 'sent' })).map((r) => r.id), [ids[0]]);
    assert.deepEqual((await n.notifications({ limit: 1 })).map((r) => r.id), [ids[1]! + 1]);
    // A failed notification's key may be queued again; a sent one's may not.
    assert.deepEqual((await n.enqueue([message('Telecom', 'k1', ['192.0.3.1']), message('Mobile', 'k2', ['198.51.101.7'])], t('2024-06-14T00:00:00Z')))[0], null);
    // Prior reports: the sent notification (and the new pending one), per owner, channel and victim.
    const prior = (await n.priorReports()).map((p) => [p.owner, p.ip, p.lastNotifiedAt.toISOString()]).sort();
    assert.deepEqual(prior, [
      ['Mobile', '198.51.101.7', '2024-06-14T00:00:00.000Z'],
      ['Telecom', '192.0.3.1', '2024-06-13T02:00:00.000Z'],
      ['Telecom', '192.0.3.3', '2024-06-13T02:00:00.000Z'],
    ]);
    await store.close();
  });

  test(`${name}: remediation reads: notified victims and the sightings after their notification`, async () => {
    const store = await scenario(await open());
    const n = notifyStore(store);
    const [id] = await n.enqueue([message('Telecom', 'k1', ['192.0.3.1', '192.0.3.3'])], t('2024-06-13T00:00:00Z'));
    await n.recordAttempt(id!, { ok: true, at: t('2024-06-13T00:00:00Z'), response: '250 OK' }, 3);
    await ingest(store, [flow('192.0.3.1', '203.0.113.10', '2024-06-20T10:00:00Z')]);
    const v = await n.notifiedVictims(t('2024-06-25T00:00:00Z'));
    assert.deepEqual(v.map((x) => [x.ip, x.owner, x.notifiedAt.toISOString(), x.lastSeenAfter?.toISOString(), x.country]), [
      ['192.0.3.1', 'Telecom', '2024-06-13T00:00:00.000Z', '2024-06-20T10:00:00.000Z', 'US'],
      ['192.0.3.3', 'Telecom', '2024-06-13T00:00:00.000Z', undefined, 'US'],
    ]);
    // Before the notification was sent, nobody had been notified.
    assert.deepEqual(await n.notifiedVictims(t('2024-06-12T00:00:00Z')), []);
    // Evidence lines for planning: per victim, indicator, kind and file, with the indicator's tags.
    const ev = (await n.evidence(t('2024-06-10T00:00:00Z'))).filter((e) => e.ip === '192.0.3.1');
    assert.ok(ev.length >= 1 && ev.every((e) => e.indicator === '203.0.113.10' && e.tags.includes('tier2')));
    const fields = await n.reportFields();
    assert.deepEqual(fields.map((f) => [f.ip, f.deviceId]).sort(), [['192.0.3.200', 'D1'], ['192.0.3.201', 'D1']]);
    await store.close();
  });
}
