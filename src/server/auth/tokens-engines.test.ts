// Tokens and sessions on both engines, the same assertions on DuckDB and on a ClickHouse node:
// stored by hash, listed without secrets, sessions found until they expire, revoked with their
// sessions (an UPDATE and a DELETE, mutations on ClickHouse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../../test/engines.js';
import { tokenStore } from './tokens-sql.js';

const engines = await testEngines();

for (const e of engines) {
  test(`${e.name}: tokens stored by hash, sessions until they expire, revoked with their sessions`, { skip: e.skip ?? false }, async () => {
    const store = await e.open();
    try {
      const a = tokenStore(store);
      const row = await a.createToken({ id: 'aaaaaaaaaaaa', hash: 'h1', role: 'owner', owner: "Mobile C's", label: 'noc' });
      assert.deepEqual([row.id, row.role, row.owner, row.label, row.revokedAt], ['aaaaaaaaaaaa', 'owner', "Mobile C's", 'noc', undefined]);
      await a.createToken({ id: 'bbbbbbbbbbbb', hash: 'h2', role: 'admin' });
      assert.equal((await a.findToken('h1'))?.id, 'aaaaaaaaaaaa');
      assert.equal(await a.findToken('nope'), undefined);
      const listed = await a.listTokens();
      assert.deepEqual(listed.map((t) => [t.id, t.role, t.revokedAt]).sort(), [['aaaaaaaaaaaa', 'owner', undefined], ['bbbbbbbbbbbb', 'admin', undefined]]);
      assert.ok(!JSON.stringify(listed).includes('"h1"'), 'hashes are not listed');
      const soon = new Date(Date.now() + 60_000);
      await a.createSession('s1', 'aaaaaaaaaaaa', soon);
      await a.createSession('s2', 'bbbbbbbbbbbb', soon);
      assert.equal((await a.findSession('s1', new Date()))?.owner, "Mobile C's");
      assert.equal(await a.findSession('s1', new Date(soon.getTime() + 1)), undefined, 'expired');
      assert.equal(await a.revokeToken('aaaaaaaaaaaa'), true);
      assert.equal(await a.revokeToken('aaaaaaaaaaaa'), false, 'already revoked');
      assert.equal(await a.findToken('h1'), undefined);
      assert.equal(await a.findSession('s1', new Date()), undefined, 'sessions end with the token');
      assert.equal((await a.findSession('s2', new Date()))?.id, 'bbbbbbbbbbbb', "another token's session stays");
      await a.deleteSession('s2');
      assert.equal(await a.findSession('s2', new Date()), undefined);
      const after = await a.listTokens();
      assert.ok(after.find((t) => t.id === 'aaaaaaaaaaaa')!.revokedAt instanceof Date);
      assert.equal(after.find((t) => t.id === 'bbbbbbbbbbbb')!.revokedAt, undefined);
    } finally {
      await store.close();
    }
  });
}
