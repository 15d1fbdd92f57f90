import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { mailFiles, readMailFile, type MailProblem } from './sources.js';
import { scanMail } from './scan.js';
import { mailStore } from './store.js';

const msg = (n: number) => `From: a@x.example\nTo: b@y.example\nSubject: message ${n}\nMessage-ID: <m${n}@x.example>\n\nbody ${n}\n`;
const mbox = (texts: string[]) => texts.map((t) => `From x Mon Jan  1 00:00:00 2026\n${t}\n`).join('');

async function collect(file: string) {
  const problems: MailProblem[] = [];
  const out = [];
  for await (const m of readMailFile(file, (p) => problems.push(p))) out.push({ offset: m.offset, text: m.bytes.toString() });
  return { out, problems };
}

test('gzip mbox and gzip .eml are read by their content, not their names', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.mbox.gz'), gzipSync(mbox([msg(1), msg(2)])));
  writeFileSync(join(dir, 'b.gz'), gzipSync(msg(3)));
  writeFileSync(join(dir, 'c'), mbox([msg(4)]));
  const a = await collect(join(dir, 'a.mbox.gz'));
  assert.deepEqual(a.out.map((m) => m.text), [msg(1), msg(2)]);
  assert.equal(a.out[1]!.offset, mbox([msg(1)]).length, 'offsets count uncompressed bytes');
  assert.deepEqual((await collect(join(dir, 'b.gz'))).out, [{ offset: 0, text: msg(3) }]);
  assert.deepEqual((await collect(join(dir, 'c'))).out.map((m) => m.text), [msg(4)]);
});

test('Maildir: cur and new are read, tmp (deliveries in progress) and hidden files are not; directories are walked', () => {
  const dir = tempDir();
  const box = join(dir, 'users', 'anna');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(box, sub), { recursive: true });
  writeFileSync(join(box, 'cur', '1.host:2,S'), msg(1));
  writeFileSync(join(box, 'new', '2.host'), msg(2));
  writeFileSync(join(box, 'tmp', '3.host'), msg(3));
  writeFileSync(join(box, '.dovecot.index'), 'x');
  writeFileSync(join(dir, 'single.eml'), msg(4));
  assert.deepEqual(
    mailFiles([dir]).map((f) => f.slice(dir.length + 1)),
    ['single.eml', 'users/anna/cur/1.host:2,S', 'users/anna/new/2.host'],
  );
});

test('a malformed message is reported with its file and byte offset, and the scan goes on', async () => {
  const dir = tempDir();
  const bad = 'not a header line\n\nstray text\n';
  const content = mbox([msg(1), bad, msg(2)]);
  writeFileSync(join(dir, 'box.mbox'), content);
  writeFileSync(join(dir, 'broken.eml'), 'garbage without headers');
  writeFileSync(join(dir, 'cut.mbox.gz'), gzipSync(mbox([msg(5), msg(6)])).subarray(0, 40));
  writeFileSync(join(dir, 'z.eml'), msg(3));
  const store = await openTestStore();
  try {
    const r = await scanMail(store, [dir]);
    const badOffset = mbox([msg(1)]).length;
    assert.deepEqual(
      r.problems.map((p) => [p.file.slice(dir.length + 1), p.offset, p.reason.replace(/: .*$/, '')]),
      [
        ['box.mbox', badOffset, 'does not start with a header field'],
        ['broken.eml', 0, 'does not start with a header field'],
        ['cut.mbox.gz', 0, 'reading stopped'],
      ],
    );
    assert.deepEqual((await mailStore(store).messages()).map((m) => m.subject).sort(), ['message 1', 'message 2', 'message 3']);
    assert.equal(r.added, 3, 'the good messages before and after the bad ones are kept');
    assert.deepEqual((await mailStore(store).messages()).map((m) => m.subject).sort(), ['message 1', 'message 2', 'message 3']);
    const m2 = (await mailStore(store).messages()).find((m) => m.subject === 'message 2')!;
    assert.equal(m2.offset, content.lastIndexOf('From x'));
  } finally {
    await store.close();
  }
});
