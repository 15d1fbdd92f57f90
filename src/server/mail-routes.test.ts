import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { tempDir } from '../../test/tmp.js';
import { scanMail } from '../mail/scan.js';
import { writeTestMailboxes } from '../../test/mailboxes.js';
import { buildServer } from './app.js';
import { call, json } from './test-client.js';
import { buildScenario, type Scenario } from '../../test/server-scenario.js';

let s: Scenario;
let app: FastifyInstance;
before(async () => {
  s = await buildScenario();
  await scanMail(s.store, [writeTestMailboxes(join(tempDir(), 'mail'), { ordinary: 200, recipients: 8 }).dir]);
  app = await buildServer(s.store, { webRoot: null });
});
after(async () => {
  await app.close();
  await s.store.close();
});

interface Campaign {
  id: string;
  verdict: string;
  recipients: string[];
  messageList?: { subject: string }[];
}

test('staff read the campaigns, tracking first, and one campaign with its messages', async () => {
  const list = json<{ rows: Campaign[]; counts: { messages: number } }>(await call(app, 'GET', '/api/mail/campaigns', s.tokens.analyst));
  assert.equal(list.counts.messages, 208);
  assert.equal(list.rows[0]!.verdict, 'tracking');
  assert.equal(list.rows.filter((c) => c.verdict === 'tracking').length, 1);
  const only = json<{ rows: Campaign[] }>(await call(app, 'GET', '/api/mail/campaigns?verdict=clean', s.tokens.analyst));
  assert.ok(only.rows.length > 0 && only.rows.every((c) => c.verdict === 'clean'));
  const one = json<Campaign>(await call(app, 'GET', `/api/mail/campaigns/${list.rows[0]!.id}`, s.tokens.analyst));
  assert.equal(one.recipients.length, 8);
  assert.equal(one.messageList!.length, 8);
});

test('owners may not read mail; unknown and malformed ids are 404 and 400', async () => {
  assert.equal((await call(app, 'GET', '/api/mail/campaigns', s.tokens.telecomA)).statusCode, 403);
  assert.equal((await call(app, 'GET', '/api/mail/campaigns', undefined)).statusCode, 401);
  assert.equal((await call(app, 'GET', '/api/mail/campaigns/000000000000', s.tokens.analyst)).statusCode, 404);
  assert.equal((await call(app, 'GET', "/api/mail/campaigns/'%20OR%201=1", s.tokens.analyst)).statusCode, 400);
  assert.equal((await call(app, 'GET', '/api/mail/campaigns?verdict=evil', s.tokens.analyst)).statusCode, 400);
});
