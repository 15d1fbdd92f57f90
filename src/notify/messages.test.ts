import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/store.js';
import type { Owner } from '../store/store.js';
import { csvCell } from './csv.js';
import { dedupeKey, emailMessageId } from './messages.js';
import { deliverPending, sendNotifications } from './outbox.js';
import { DeliveryError } from './channel.js';
import { template } from './templates.js';
import { fake, standardOwners, standardWorld, t } from './test-scenario.js';
import type { PlannedVictim } from './types.js';
import { notifyStore } from './outbox-sql.js';
import { replaceOwners } from './owners-sql.js';

const DAY = 86_400_000;
const ctx = { owner: 'ISP', families: ['mirai'], from: new Date('2024-06-01T10:00:00Z'), to: new Date('2024-06-02T11:30:00Z'), intervalDays: 7, place: 'csv-attachment' as const };

test('templates: singular and plural, English and French, and English for an unknown language', () => {
  assert.equal(template('en').subject({ ...ctx, count: 1 }), '[botcensus] 1 compromised device in your network (ISP)');
  assert.match(template('en').text({ ...ctx, count: 1 }), /1 device in your network was seen .* \(mirai\)\. .*attached CSV/);
  assert.match(template('en').text({ ...ctx, count: 1 }), /Between 2024-06-01 10:00 and 2024-06-02 11:30 UTC/);
  assert.equal(template('fr').subject({ ...ctx, count: 2 }), '[botcensus] 2 équipements compromis dans votre réseau (ISP)');
  assert.match(template('fr').text({ ...ctx, count: 2, place: 'webhook' }), /2 équipements de votre réseau ont été vus .* champ « victims »/);
  assert.match(template('fr').text({ ...ctx, count: 1, intervalDays: 0.5 }), /a été vu [\s\S]* avant 0,5 jours/);
  assert.equal(template('de').subject({ ...ctx, count: 3 }), template('en').subject({ ...ctx, count: 3 }));
});

test('CSV cells: quoting, and formulas neutralised without touching numbers', () => {
  assert.deepEqual(
    ['plain', 'a,b', 'say "hi"', '=HYPERLINK("x")', '+1+1', '@SUM(A1)', '-cmd', '-5', '12.5', 'line\nbreak'].map(csvCell),
    ['plain', '"a,b"', '"say ""hi"""', `"'=HYPERLINK(""x"")"`, "'+1+1", "'@SUM(A1)", "'-cmd", '-5', '12.5', '"line\nbreak"'],
  );
});

test('dedupe keys: stable for the same content in one interval period, new for a reminder; Message-IDs from the key', () => {
  const owner: Owner = standardOwners()[0]!;
  const v = { ip: '192.0.3.20', lastSeen: new Date('2024-06-10T11:00:00Z') } as PlannedVictim;
  const now = t('2024-06-11T00:00:00Z');
  const k = dedupeKey(owner, 'email', owner.emails, [v], now);
  assert.equal(dedupeKey(owner, 'email', [...owner.emails].reverse(), [v], now + 1000), k);
  assert.notEqual(dedupeKey(owner, 'email', owner.emails, [{ ...v, lastSeen: new Date('2024-06-10T12:00:00Z') }], now), k);
  assert.notEqual(dedupeKey(owner, 'email', owner.emails, [v], now + 7 * DAY), k);
  assert.notEqual(dedupeKey(owner, 'webhook', owner.emails, [v], now), k);
  assert.equal(emailMessageId(k, 'CERT <cert@cert.example>'), `<botcensus.${k.slice(0, 32)}@cert.example>`);
  assert.equal(emailMessageId(k, 'cert@cert.example'), `<botcensus.${k.slice(0, 32)}@cert.example>`);
  assert.equal(emailMessageId(k, undefined), `<botcensus.${k.slice(0, 32)}@botcensus.invalid>`);
});

test('a message failing transiently in every run is marked failed after --max-attempts runs', async () => {
  const store = await openTestStore();
  await standardWorld(store);
  await replaceOwners(store, standardOwners().filter((o) => o.name === 'Example Telecom A'));
  const down = fake('email', () => new DeliveryError('ECONNECTION: connection refused', false));
  const r1 = await sendNotifications(store, { now: t('2024-06-11T00:00:00Z'), from: 'cert@cert.example', channels: { email: down }, maxAttempts: 2 });
  assert.deepEqual([r1.queued, r1.pending, r1.failed], [1, 1, 0]);
  const r2 = await deliverPending(store, { email: down }, { maxAttempts: 2 });
  assert.deepEqual(r2, { sent: 0, failed: 1, pending: 0 });
  const [row] = await notifyStore(store).notifications();
  assert.deepEqual([row!.status, row!.attempts, row!.lastError], ['failed', 2, 'ECONNECTION: connection refused']);
  await store.close();
});
