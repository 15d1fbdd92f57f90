// DELETE and UPDATE statements read as ClickHouse mutations: the table and the condition, with
// quoted text that looks like SQL left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutationOf } from './mutation.js';

test('a DELETE becomes ALTER ... DELETE of its condition, or of every row', () => {
  assert.deepEqual(mutationOf('DELETE FROM `kev`'), { table: 'kev', action: 'DELETE WHERE 1', where: '1' });
  assert.deepEqual(mutationOf("DELETE FROM api_sessions WHERE hash = 'a WHERE b'"), {
    table: 'api_sessions',
    action: "DELETE WHERE hash = 'a WHERE b'",
    where: "hash = 'a WHERE b'",
  });
  assert.equal(mutationOf('DELETE FROM `we\\`ird` WHERE x = 1')?.table, 'we`ird');
});

test('an UPDATE splits at its first WHERE outside quotes and brackets', () => {
  const m = mutationOf("UPDATE notifications SET response = 'ok WHERE \\' (x', last_error = NULL WHERE id IN (SELECT id FROM t WHERE a = 1) AND b = 2");
  assert.deepEqual(m, {
    table: 'notifications',
    action: "UPDATE response = 'ok WHERE \\' (x', last_error = NULL WHERE id IN (SELECT id FROM t WHERE a = 1) AND b = 2",
    where: 'id IN (SELECT id FROM t WHERE a = 1) AND b = 2',
  });
  assert.throws(() => mutationOf('UPDATE t SET a = 1'), /needs a WHERE/);
});

test('other statements are no mutation', () => {
  for (const text of ['SELECT * FROM t WHERE x = 1', "INSERT INTO t (a) VALUES ('DELETE FROM t')", 'ALTER TABLE t DELETE WHERE 1'])
    assert.equal(mutationOf(text), undefined, text);
});
