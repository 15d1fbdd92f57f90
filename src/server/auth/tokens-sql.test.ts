// Tokens and sessions through their queries on a real store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario } from '../../../test/server-scenario.js';
import { tokenStore } from './tokens-sql.js';

test('tokens are stored by hash, listed without secrets, revoked with their sessions', async () => {
  const { store } = await buildScenario();
  const a = tokenStore(store);
  const row = await a.createToken({ id: 'aaaaaaaaaaaa', hash: 'h1', role: 'owner', owner: 'Mobile C', label: 'noc' });
  assert.deepEqual([row.id, row.role, row.owner, row.label, row.revokedAt], ['aaaaaaaaaaaa', 'owner', 'Mobile C', 'noc', undefined]);
  assert.equal((await a.findToken('h1'))?.id, 'aaaaaaaaaaaa');
  assert.equal(await a.findToken('nope'), undefined);
  assert.ok(!JSON.stringify(await a.listTokens()).includes('"h1"'), 'hashes are not listed');
  const soon = new Date(Date.now() + 60_000);
  await a.createSession('s1', 'aaaaaaaaaaaa', soon);
  assert.equal((await a.findSession('s1', new Date()))?.owner, 'Mobile C');
  assert.equal(await a.findSession('s1', new Date(soon.getTime() + 1)), undefined, 'expired');
  assert.equal(await a.revokeToken('aaaaaaaaaaaa'), true);
  assert.equal(await a.revokeToken('aaaaaaaaaaaa'), false, 'already revoked');
  assert.equal(await a.findToken('h1'), undefined);
  assert.equal(await a.findSession('s1', new Date()), undefined, 'sessions end with the token');
  assert.ok((await a.listTokens()).find((t) => t.id === 'aaaaaaaaaaaa')!.revokedAt instanceof Date);
  await assert.rejects(a.createToken({ id: 'bbbbbbbbbbbb', hash: 'h1', role: 'admin' }), /constraint|duplicate|unique/i);
  await store.close();
});
