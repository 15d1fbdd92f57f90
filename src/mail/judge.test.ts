// Judging in bounded memory: a campaign is judged from its messages read one at a time, so what
// the judge holds does not grow with the number of messages; and the campaigns are judged while
// the store is read, one after another, not after reading everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { MailMessageRecord, MailResourceRecord } from './records.js';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { writeTestMailboxes } from '../../test/mailboxes.js';
import { CampaignJudge } from './judge.js';
import { judgeCampaigns, scanMail } from './scan.js';
import { mailStore } from './store.js';
import { collectGarbage } from '../core/heap.js';

function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Personal mail of one sender infrastructure: every message its own text, a few links each. */
function message(i: number): { m: MailMessageRecord; r: MailResourceRecord[] } {
  const sha256 = i.toString(16).padStart(64, '0');
  const to = `member${i % 50}@parliament.example`;
  const m: MailMessageRecord = {
    sha256,
    file: '/mail/archive.mbox',
    offset: i * 2000,
    messageId: `${i}@mail-provider.example`,
    date: Date.UTC(2026, 10, 1) + i * 1000,
    subject: `Re: notes ${'x'.repeat(200)} ${i}`,
    fromAddress: `sender${i % 20}@mail-provider.example`,
    envelopeFrom: `sender${i % 20}@mail-provider.example`,
    dkimDomains: ['mail-provider.example'],
    relay: '192.0.2.0/24',
    recipients: [to],
    listUnsubscribe: false,
    infraKey: 'mail-provider.example|192.0.2.0/24',
    template: i.toString(16).padStart(16, '0'),
  };
  const r = Array.from({ length: 5 }, (_, k): MailResourceRecord => ({
    message: sha256,
    kind: 'anchor',
    chain: [`https://docs.share.example/d/${sha256}/${k}?from=${'y'.repeat(100)}`],
    host: 'docs.share.example',
    text: 'the document',
    reasons: [],
  }));
  return { m, r };
}

test('a campaign judged from 40,000 messages holds no more than one judged from 4,000', (t) => {
  const judge = new CampaignJudge('mail-provider.example|192.0.2.0/24');
  let i = 0;
  const feed = (n: number) => {
    for (const end = i + n; i < end; i++) {
      const { m, r } = message(i);
      judge.add(m, r);
    }
  };
  feed(4000);
  const early = heapAfterGc();
  feed(36_000);
  const late = heapAfterGc();
  // Each message with its resources is about 1.5 KB: keeping the 36,000 more would take over 50 MB.
  const grown = (late - early) / 2 ** 20;
  t.diagnostic(`heap grew ${grown.toFixed(2)} MB`);
  assert.ok(grown < 8, `the judge's heap grew ${grown.toFixed(1)} MB over 36,000 messages`);
  const c = judge.finish();
  assert.equal(c.messages, 40_000);
  assert.equal(c.recipients.length, 50);
  assert.equal(c.senders.length, 20);
  assert.deepEqual(c.subjects.slice(0, 2), [message(0).m.subject, message(1).m.subject], 'subjects in date order');
  assert.equal(c.verdict, 'clean');
});

test('campaigns are judged while the store is read, each before the messages of the one after the next are read', async () => {
  const dir = writeTestMailboxes(join(tempDir(), 'mail'), { ordinary: 400, recipients: 7, seed: 5 }).dir;
  const store = await openTestStore();
  try {
    await scanMail(store, [dir]);
    const events: string[] = [];
    // The store as judging sees it: each message read and each question about indicator hosts noted.
    const mail = { ...mailStore(store) };
    mail.judgingOrder = async function* () {
      for await (const x of mailStore(store).judgingOrder()) {
        events.push(`read ${x.message.infraKey}`);
        yield x;
      }
    };
    mail.indicatorHosts = (hosts) => {
      events.push('asked');
      return mailStore(store).indicatorHosts(hosts);
    };
    const before = await mailStore(store).campaigns();
    await judgeCampaigns(store, undefined, mail);
    assert.deepEqual(await mailStore(store).campaigns(), before, 'the same campaigns');
    // Each campaign's hosts are asked about once its messages are read and the next one's first is.
    const keys = events.filter((e) => e.startsWith('read ')).map((e) => e.slice(5));
    const campaigns = [...new Set(keys)];
    assert.ok(campaigns.length >= 5);
    assert.equal(new Set(campaigns).size, campaigns.length);
    const firstRead = (key: string) => events.indexOf(`read ${key}`);
    const asked = events.map((e, i) => (e === 'asked' ? i : -1)).filter((i) => i >= 0);
    assert.ok(asked.length >= campaigns.length - 1, `${asked.length} questions for ${campaigns.length} campaigns`);
    // Between the first messages of every other campaign, a campaign was judged.
    for (let k = 0; k + 2 < campaigns.length; k++) {
      const from = firstRead(campaigns[k]!);
      const to = firstRead(campaigns[k + 2]!);
      assert.ok(asked.some((i) => i > from && i < to), `a campaign judged between the reading of ${campaigns[k]} and ${campaigns[k + 2]}`);
    }
  } finally {
    await store.close();
  }
});
