import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/store.js';
import { sendNotifications } from './outbox.js';
import { smtpChannel } from './smtp.js';
import { startSmtp, startWebhook } from './test-mail.js';
import { standardOwners, standardWorld, t, VICTIMS } from './test-scenario.js';
import { signBody, verifySignature, webhookChannel } from './webhook.js';
import { notifyStore } from './outbox-sql.js';
import { replaceOwners } from './owners-sql.js';

const FROM = 'CERT Example <cert@cert.example>';
const NOW = t('2024-06-11T00:00:00Z');

test('SMTP over STARTTLS with AUTH, and a signed webhook retried with backoff: what the receivers get', async () => {
  const smtp = await startSmtp();
  const hook = await startWebhook('hook-secret', [503, 500]); // two failures, then 200
  const store = await openTestStore();
  await standardWorld(store);
  await replaceOwners(store, standardOwners(hook.url));
  const email = smtpChannel({ url: smtp.url });
  const webhook = webhookChannel({ attempts: 4, baseDelayMs: 5 });
  const r = await sendNotifications(store, { now: NOW, from: FROM, sender: 'CERT Example', channels: { email, webhook } });
  email.close?.();
  assert.deepEqual([r.queued, r.sent, r.failed, r.pending], [3, 3, 0, 0]);

  assert.equal(smtp.received.length, 2);
  const byTo = new Map(smtp.received.map((m) => [m.to.join(' '), m]));
  const telecom = byTo.get('abuse@telecom-a.example noc@telecom-a.example')!;
  const customer = byTo.get('secu@client.example')!;
  for (const m of [telecom, customer]) {
    assert.equal(m.secure, true, 'STARTTLS was used');
    assert.equal(m.user, 'botcensus', 'logged in with the URL credentials');
    assert.equal(m.from, 'cert@cert.example');
    assert.equal(m.mail.headers['auto-submitted'], 'auto-generated');
  }
  const log = await notifyStore(store).notifications();
  const row = (owner: string) => log.find((x) => x.owner === owner)!;
  assert.equal(telecom.mail.headers['message-id'], row('Example Telecom A').messageId);
  assert.equal(telecom.mail.headers['date'], 'Tue, 11 Jun 2024 00:00:00 +0000');

  // English, CSV attached, one row per victim.
  assert.equal(telecom.mail.headers.subject, '[botcensus] 3 compromised devices in your network (Example Telecom A)');
  assert.match(telecom.mail.text, /^Hello Example Telecom A,/);
  assert.match(telecom.mail.text, /3 devices in your network were seen/);
  for (const advice of [/Reboot it/, /latest firmware/, /end of life/, /default and weak passwords/, /Disable services/]) assert.match(telecom.mail.text, advice);
  assert.match(telecom.mail.text, /-- CERT Example$/);
  assert.equal(telecom.mail.attachments.length, 1);
  const att = telecom.mail.attachments[0]!;
  assert.deepEqual([att.filename, att.contentType], ['botcensus-example-telecom-a-20240611.csv', 'text/csv']);
  const rows = att.content.trimEnd().split('\r\n');
  assert.equal(rows[0]!.split(',').slice(0, 9).join(','), 'timestamp,ip,port,asn,geo,hostname,infection,family,tag');
  assert.deepEqual(rows.slice(1).map((l) => l.split(',')[1]).sort(), [VICTIMS.telecomFlow, VICTIMS.telecomDns, VICTIMS.telecomReport]);

  // French, CSV inline in the body.
  assert.equal(customer.mail.headers.subject, '[botcensus] 1 équipement compromis dans votre réseau (Customer, 192.0.3.0/28)');
  assert.match(customer.mail.text, /^Bonjour Customer, 192\.0\.3\.0\/28,/);
  assert.match(customer.mail.text, /Redémarrez-le/);
  assert.match(customer.mail.text, /avant 7 jours, sauf nouvel élément/);
  assert.equal(customer.mail.attachments.length, 0);
  const inline = customer.mail.text.slice(customer.mail.text.indexOf('timestamp,ip,')).trimEnd().split(/\r?\n/);
  assert.equal(inline.length, 2);
  assert.match(inline[1]!, /^2024-06-10 10:00:00,192\.0\.3\.1,,64500,US,/);

  // The webhook: three tries of the same signed body, the last one accepted.
  assert.equal(hook.requests.length, 3);
  assert.ok(hook.requests.every((q) => q.verified), 'every request carries a valid signature');
  assert.equal(new Set(hook.requests.map((q) => q.body)).size, 1);
  assert.deepEqual(new Set(hook.requests.map((q) => q.headers['x-botcensus-delivery'])), new Set([row('Example Mobile C').messageId]));
  const body = JSON.parse(hook.requests[0]!.body);
  assert.deepEqual([body.type, body.owner, body.language, body.victims.length, body.victims[0].ip, body.csv], ['botcensus.notification', 'Example Mobile C', 'fr', 1, VICTIMS.mobile, undefined]);
  assert.match(body.text, /^Bonjour Example Mobile C,/);
  assert.equal(row('Example Mobile C').response, 'HTTP 200 after 3 attempts');
  assert.equal(verifySignature(hook.requests[0]!.body, 'another secret', hook.requests[0]!.headers['x-botcensus-signature'] as string), false);
  // The RFC 4231-style known answer for HMAC-SHA256.
  assert.equal(signBody('The quick brown fox jumps over the lazy dog', 'key'), 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  await store.close();
  await smtp.close();
  await hook.close();
});

test('a webhook that refuses (4xx) is not retried; a refused SMTP login is retried by the next run', async () => {
  const smtp = await startSmtp();
  const hook = await startWebhook('hook-secret', [400]);
  const store = await openTestStore();
  await standardWorld(store);
  await replaceOwners(store, standardOwners(hook.url));
  const badLogin = smtpChannel({ url: smtp.url.replace('s3cret%20pass', 'wrong') });
  const r = await sendNotifications(store, { now: NOW, from: FROM, channels: { email: badLogin, webhook: webhookChannel({ attempts: 4, baseDelayMs: 5 }) } });
  badLogin.close?.();
  assert.deepEqual([r.sent, r.failed, r.pending], [0, 1, 2]);
  assert.equal(hook.requests.length, 1);
  assert.equal(smtp.received.length, 0);
  const pending = await notifyStore(store).pending();
  assert.deepEqual(pending.map((p) => p.owner).sort(), ['Customer, 192.0.3.0/28', 'Example Telecom A']);
  assert.match(pending[0]!.lastError!, /EAUTH/);
  // Fixed credentials: the next run sends exactly what was queued.
  const good = smtpChannel({ url: smtp.url });
  const r2 = await sendNotifications(store, { now: NOW + 3_600_000, from: FROM, channels: { email: good } });
  good.close?.();
  assert.deepEqual([r2.resumed.sent, r2.queued], [2, 0]);
  assert.deepEqual(smtp.received.map((m) => m.mail.headers['message-id']).sort(), pending.map((p) => p.messageId).sort());
  await store.close();
  await smtp.close();
  await hook.close();
});
