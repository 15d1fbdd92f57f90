import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BotcensusError } from '../core/errors.js';
import { mailboxes, ordinaryMail, Random, trackingCampaign } from './corpus.js';
import { readMessage } from './parse.js';
import { ParsePool } from './parse-pool.js';

test('messages parsed on worker threads are the messages parsed here; a malformed one names its file and offset', async () => {
  const rnd = new Random(3);
  const boxes = mailboxes(20);
  const msgs = [...ordinaryMail(60, boxes, rnd), ...trackingCampaign(boxes.slice(0, 4), 'base64', rnd)].map((m, i) => ({ file: 'f.mbox', offset: i * 1000, bytes: Buffer.from(m.raw) }));
  const pool = new ParsePool(2);
  try {
    assert.equal(pool.size, 2);
    const viaPool = await Promise.all(msgs.map((m) => pool.parse(m)));
    const here = await Promise.all(msgs.map((m) => readMessage(m)));
    assert.deepEqual(viaPool, here);
    await assert.rejects(pool.parse({ file: 'bad.eml', offset: 77, bytes: Buffer.from('no header here') }), (err: unknown) => {
      assert.ok(err instanceof BotcensusError);
      assert.equal(err.where.file, 'bad.eml');
      assert.match(err.message, /^malformed message at byte 77: does not start with a header field/);
      return true;
    });
  } finally {
    await pool.close();
  }
});
