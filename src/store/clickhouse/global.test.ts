import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalSubqueries } from './global.js';

test('IN subqueries and joins become GLOBAL, once, outside quotes', () => {
  assert.equal(globalSubqueries('SELECT a FROM t WHERE a IN (SELECT b FROM w)'), 'SELECT a FROM t WHERE a GLOBAL IN (SELECT b FROM w)');
  assert.equal(globalSubqueries('SELECT a FROM t WHERE a NOT IN ( SELECT b FROM w)'), 'SELECT a FROM t WHERE a GLOBAL NOT IN ( SELECT b FROM w)');
  assert.equal(globalSubqueries('SELECT a FROM t WHERE a IN (1, 2)'), 'SELECT a FROM t WHERE a IN (1, 2)', 'a list of values stays');
  assert.equal(globalSubqueries('x GLOBAL IN (SELECT 1) AND y GLOBAL NOT IN (SELECT 2)'), 'x GLOBAL IN (SELECT 1) AND y GLOBAL NOT IN (SELECT 2)');
  assert.equal(globalSubqueries('FROM a LEFT JOIN b USING (k) JOIN c ON c.k = a.k CROSS JOIN d'), 'FROM a GLOBAL LEFT JOIN b USING (k) GLOBAL JOIN c ON c.k = a.k GLOBAL CROSS JOIN d');
  assert.equal(globalSubqueries('FROM a ALL LEFT OUTER JOIN b USING (k)'), 'FROM a GLOBAL ALL LEFT OUTER JOIN b USING (k)');
  assert.equal(globalSubqueries('FROM a GLOBAL ANY LEFT JOIN b USING (k)'), 'FROM a GLOBAL ANY LEFT JOIN b USING (k)');
  assert.equal(globalSubqueries("SELECT 'a JOIN b', `IN (SELECT` FROM t WHERE v = 'it''s IN (SELECT x)' AND w IN (SELECT 1)"), "SELECT 'a JOIN b', `IN (SELECT` FROM t WHERE v = 'it''s IN (SELECT x)' AND w GLOBAL IN (SELECT 1)");
  assert.equal(globalSubqueries('SELECT joined, login, rejoin FROM t'), 'SELECT joined, login, rejoin FROM t', 'words that contain the keywords stay');
});
