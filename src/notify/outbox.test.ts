import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import type { Owner } from '../store/store.js';
import { startSmtp, type ReceivedMail } from './test-mail.js';
import { addIntel, c2flow, ingest, t as time } from './test-scenario.js';
import { notifyStore } from './outbox-sql.js';
import { replaceOwners } from './owners-sql.js';

const CHILD = fileURLToPath(new URL('../../test/crash-test-sender.js', import.meta.url));
const NOW = time('2024-06-11T00:00:00Z');
const CUSTOMERS = 6;

/** Seven email owners: six single-address customers and the ISP around them. */
async function crashWorld(): Promise<string> {
  const db = join(tempDir(), 'crash.duckdb');
  const store = await openTestStore(db);
  await addIntel(store);
  const flows = [c2flow('192.0.3.100', '2024-06-10T09:00:00Z')];
  const base = { asns: [] as number[], cidrs: [] as string[], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
  const owners: Owner[] = [{ ...base, name: 'Example Telecom A', asns: [64500], emails: ['abuse@telecom-a.example'] }];
  for (let i = 1; i <= CUSTOMERS; i++) {
    flows.push(c2flow(`192.0.3.${i}`, `2024-06-10T1${i}:00:00Z`));
    owners.push({ ...base, name: `Customer ${i}`, cidrs: [`192.0.3.${i}/32`], emails: [`c${i}@client.example`] });
  }
  await ingest(store, flows);
  await replaceOwners(store, owners);
  await store.close();
  return db;
}

function runChild(db: string, url: string, onLine: (line: string, child: ChildProcess) => void = () => undefined) {
  const child = spawn(process.execPath, [CHILD, db, url, String(NOW)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      onLine(line, child);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, lines, done, stderr: () => stderr };
}

/** Accepted messages per recipient list. */
function perRecipient(received: ReceivedMail[]): Map<string, ReceivedMail[]> {
  const m = new Map<string, ReceivedMail[]>();
  for (const r of received.filter((x) => x.accepted)) m.set(r.to.join(' '), [...(m.get(r.to.join(' ')) ?? []), r]);
  return m;
}

test('killed after the first message is marked sent: the rerun sends every other message exactly once', async () => {
  const db = await crashWorld();
  let holding = true;
  // Run 1: the first message is accepted; any later one is held unanswered until the kill.
  const smtp = await startSmtp((m, accept) => {
    if (!holding || smtp.received.filter((x) => x.accepted).length === 0) accept();
  });
  const run1 = runChild(db, smtp.url, (line, child) => {
    if (line.startsWith('sent ')) child.kill('SIGKILL');
  });
  const exit1 = await run1.done;
  assert.equal(exit1.signal, 'SIGKILL', run1.stderr());
  assert.equal(run1.lines.filter((l) => l.startsWith('sent ')).length, 1);
  assert.equal(smtp.received.filter((m) => m.accepted).length, 1);

  holding = false;
  const run2 = runChild(db, smtp.url);
  const exit2 = await run2.done;
  assert.equal(exit2.code, 0, run2.stderr());
  assert.match(run2.lines.at(-1)!, /^done resumed=6 queued=0 sent=0$/);

  const got = perRecipient(smtp.received);
  assert.equal(got.size, CUSTOMERS + 1);
  for (const [to, msgs] of got) assert.equal(msgs.length, 1, `${to} got ${msgs.length} messages`);
  const store = await openTestStore(db);
  const log = await notifyStore(store).notifications();
  assert.equal(log.length, CUSTOMERS + 1);
  assert.ok(log.every((r) => r.status === 'sent'));
  assert.deepEqual(new Set(log.map((r) => r.messageId)), new Set(smtp.received.filter((m) => m.accepted).map((m) => m.mail.headers['message-id'])));
  await store.close();

  // A third run has nothing left to send.
  const run3 = runChild(db, smtp.url);
  assert.equal((await run3.done).code, 0);
  assert.match(run3.lines.at(-1)!, /^done resumed=0 queued=0 sent=0$/);
  assert.equal(smtp.received.filter((m) => m.accepted).length, CUSTOMERS + 1);
  await smtp.close();
});

test('killed the moment the server accepts (before the mark): a re-send carries the same Message-ID', async (t) => {
  const db = await crashWorld();
  let victim: ChildProcess | undefined;
  let killing = true;
  const smtp = await startSmtp((_m, accept) => {
    accept();
    if (killing && victim) victim.kill('SIGKILL'); // 250 is on its way; the sender may not have recorded it
  });
  const run1 = runChild(db, smtp.url);
  victim = run1.child;
  assert.equal((await run1.done).signal, 'SIGKILL');
  killing = false;
  const run2 = runChild(db, smtp.url);
  assert.equal((await run2.done).code, 0, run2.stderr());

  const got = perRecipient(smtp.received);
  assert.equal(got.size, CUSTOMERS + 1);
  let resent = 0;
  for (const [to, msgs] of got) {
    // Only the message in flight at the kill can arrive twice, and then as the same message.
    assert.equal(new Set(msgs.map((m) => m.mail.headers['message-id'])).size, 1, to);
    assert.ok(msgs.length <= 2);
    if (msgs.length === 2) {
      resent++;
      assert.equal(msgs[1]!.mail.headers.subject, msgs[0]!.mail.headers.subject);
      assert.deepEqual(msgs[1]!.mail.attachments, msgs[0]!.mail.attachments);
      assert.equal(msgs[0], smtp.received[0]);
    }
  }
  assert.ok(resent <= 1);
  t.diagnostic(`messages re-sent after the kill: ${resent} (0 when the mark won the race)`);
  const store = await openTestStore(db);
  const log = await notifyStore(store).notifications();
  assert.equal(log.length, CUSTOMERS + 1);
  assert.ok(log.every((r) => r.status === 'sent'));
  await store.close();
  await smtp.close();
});
