// Writes inside `atomically` carry their batch: the INSERT rewrite and the target it reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertTarget } from './driver.js';
import { addInsertBatch } from './insert-batch.js';

test('the target of an INSERT, quoted, bare or qualified; nothing for other statements', () => {
  assert.equal(insertTarget('INSERT INTO `flows` (a) SELECT 1'), 'flows');
  assert.equal(insertTarget('  insert into owners (a) VALUES (1)'), 'owners');
  assert.equal(insertTarget('INSERT INTO `db`.`we\\`ird` (a) VALUES (1)'), 'we`ird');
  assert.equal(insertTarget('INSERT INTO "x""y" (a) VALUES (1)'), 'x"y');
  assert.equal(insertTarget('SELECT 1 -- INSERT INTO t'), undefined);
  assert.equal(insertTarget('ALTER TABLE t DELETE WHERE 1'), undefined);
});

test('a SELECT source is wrapped, each VALUES tuple gains the batch; quotes and parentheses in literals are data', () => {
  assert.equal(addInsertBatch('INSERT INTO `t` (`a`, `b`) SELECT a, b FROM s WHERE x IN (1, 2)', 7), 'INSERT INTO `t` (`a`, `b`, `_batch`) SELECT *, 7 FROM (SELECT a, b FROM s WHERE x IN (1, 2))');
  assert.equal(
    addInsertBatch("INSERT INTO t (a, b) VALUES (1, 'x)\\' ('), (f(2), ')')", 9),
    "INSERT INTO t (a, b, `_batch`) VALUES (1, 'x)\\' (', 9), (f(2), ')', 9)",
  );
  assert.throws(() => addInsertBatch('INSERT INTO t SELECT 1', 1), /names its columns/);
});
