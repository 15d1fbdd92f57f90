import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, cliSpawn } from '../../../test/cli/run-cli.js';
import { tempDir } from '../../../test/tmp.js';

test('tokens create prints the token alone on the last line; list and revoke; owner tokens need a known owner', () => {
  const db = join(tempDir(), 't.duckdb');
  const made = cli(['--db', db, 'tokens', 'create', '--role', 'analyst', '--label', 'night shift']);
  assert.equal(made.status, 0, made.stderr);
  const lines = made.stdout.trim().split('\n');
  const token = lines[lines.length - 1]!;
  assert.match(token, /^bct_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  const id = token.slice(4, 16);
  const list = JSON.parse(cli(['--db', db, 'tokens', 'list', '--json']).stdout) as { id: string; role: string; label: string; revokedAt?: string }[];
  assert.deepEqual(list.map((t) => [t.id, t.role, t.label]), [[id, 'analyst', 'night shift']]);
  assert.ok(!JSON.stringify(list).includes(token.slice(17)), 'the secret is not listed');
  assert.equal(cli(['--db', db, 'tokens', 'revoke', id]).status, 0);
  const again = cli(['--db', db, 'tokens', 'revoke', id]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /no live token/);
  const owner = cli(['--db', db, 'tokens', 'create', '--role', 'owner', '--owner', 'Unknown ISP']);
  assert.equal(owner.status, 2);
  assert.match(owner.stderr, /no owner named "Unknown ISP"/);
  assert.equal(cli(['--db', db, 'tokens', 'create', '--role', 'owner']).status, 2);
  assert.equal(cli(['--db', db, 'tokens', 'create', '--role', 'root']).status !== 0, true);
});

test('serve: refuses plain HTTP off loopback; on loopback answers health anonymously and data with a token', async () => {
  const db = join(tempDir(), 's.duckdb');
  const off = cli(['--db', db, 'serve', '--host', '0.0.0.0', '--port', '0']);
  assert.equal(off.status, 2);
  assert.match(off.stderr, /clear text/);
  const token = cli(['--db', db, 'tokens', 'create', '--role', 'admin']).stdout.trim().split('\n').pop()!;
  const child = cliSpawn(['--db', db, 'serve', '--port', '0']);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    assert.equal((await fetch(`${url}/api/health`)).status, 200);
    assert.equal((await fetch(`${url}/api/overview`)).status, 401);
    const ov = await fetch(`${url}/api/overview`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ov.status, 200);
    assert.equal(((await ov.json()) as { headline: { cumulative: number } }).headline.cumulative, 0);
  } finally {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'stops cleanly on SIGTERM');
  }
});
