// The detector on a generated mailbox set: a covert campaign of 50 look-alike newsletters, each
// with a per-recipient token in a 1x1 image and in its links, mixed into 5,000 ordinary messages
// (newsletters with their own open tracking, newsletters through known bulk-mail services,
// personal mail, mailing lists, internal notices with personal links). Precision and recall are
// computed over messages and reported; they must both be 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { mailboxes, ordinaryMail, Random, toMbox, trackingCampaign, type GeneratedMessage, type TokenPlacement } from './corpus.js';
import type { Store } from '../store/store.js';
import { judgeCampaigns, scanMail } from './scan.js';
import { mailStore } from './store.js';

const ORDINARY = 5000;
const RECIPIENTS = 50;

/** Ordinary mail in two mbox files (one gzip); each campaign message in its recipient's Maildir. */
function writeMailboxes(dir: string, ordinary: GeneratedMessage[], campaigns: GeneratedMessage[]): void {
  const half = Math.floor(ordinary.length / 2);
  writeFileSync(join(dir, 'archive.mbox'), toMbox(ordinary.slice(0, half)));
  writeFileSync(join(dir, 'archive-2.mbox.gz'), gzipSync(toMbox(ordinary.slice(half))));
  campaigns.forEach((m, i) => {
    const box = join(dir, 'maildirs', m.recipient);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(box, sub), { recursive: true });
    writeFileSync(join(box, i % 2 ? 'new' : 'cur', `17000000${i}.M1P1.host:2,S`), m.raw);
  });
}

interface Scores {
  precision: number;
  recall: number;
}

/** Over messages: predicted = in a campaign judged tracking; truth = sent by a tracking campaign. */
async function score(store: Store, truth: Set<string>): Promise<Scores & { campaigns: { id: string; messageIds: string[]; recipients: string[] }[] }> {
  const campaigns = [];
  const predicted = new Set<string>();
  for (const c of await mailStore(store).campaigns({ verdict: 'tracking' })) {
    const ids = (await mailStore(store).campaignMessages(c.id, 100_000)).map((m) => m.messageId!);
    for (const id of ids) predicted.add(id);
    campaigns.push({ id: c.id, messageIds: ids, recipients: c.recipients });
  }
  const hit = [...predicted].filter((id) => truth.has(id)).length;
  return { precision: predicted.size ? hit / predicted.size : 0, recall: truth.size ? hit / truth.size : 0, campaigns };
}

test('a covert tracking campaign among 5,000 ordinary messages is one tracking campaign with all 50 recipients', async (t) => {
  const rnd = new Random(2021);
  const boxes = mailboxes(200);
  const ordinary = ordinaryMail(ORDINARY, boxes, rnd);
  const targets = boxes.filter((_, i) => i % 4 === 1).slice(0, RECIPIENTS);
  const campaign = trackingCampaign(targets, 'query', rnd);
  const kinds = new Set(ordinary.map((m) => m.kind));
  assert.deepEqual([...kinds].sort(), ['esp', 'list', 'notice', 'own-tracking', 'personal'], 'the ordinary mail has every kind');
  const dir = tempDir();
  writeMailboxes(dir, ordinary, campaign);
  const store = await openTestStore();
  try {
    const r = await scanMail(store, [dir]);
    assert.equal(r.messages, ORDINARY + RECIPIENTS);
    assert.deepEqual(r.problems, []);
    const s = await score(store, new Set(campaign.map((m) => m.messageId)));
    t.diagnostic(`precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`);
    assert.equal(s.campaigns.length, 1, 'exactly one tracking campaign');
    assert.deepEqual(s.campaigns[0]!.recipients, [...targets].sort());
    assert.equal(s.precision, 1);
    assert.equal(s.recall, 1);
    const [c] = await mailStore(store).campaigns({ verdict: 'tracking' });
    assert.deepEqual(c!.beaconHosts, ['stats.diplomat-weekly-cdn.example']);
    assert.ok(c!.evidence.some((e) => e.startsWith('per-recipient token in parameter rid of stats.diplomat-weekly-cdn.example: 50 recipients, 50 distinct values')), c!.evidence.join('\n'));
    assert.ok(c!.evidence.some((e) => e.startsWith('link text names diplomat-weekly.example but leads to diplomat-weekly-cdn.example')));
    // The ordinary newsletters track their readers too, openly: marketing, not tracking.
    const verdicts = new Map((await mailStore(store).campaigns()).map((x) => [x.infraKey.split('|')[0], x.verdict]));
    for (const site of ['dailyledger.example', 'techweekly.example', 'outdoorgear.example', 'museumfriends.example']) assert.equal(verdicts.get(site), 'marketing', site);
    assert.equal(verdicts.get('mail-provider.example'), 'clean');
    assert.equal(verdicts.get('lists.example'), 'clean');
    assert.equal(verdicts.get('parliament.example'), 'marketing', 'internal notices with personal links are not covert');

    // Scanning the same mail again changes nothing.
    const before = await mailStore(store).campaigns();
    const again = await scanMail(store, [dir]);
    assert.equal(again.added, 0);
    assert.equal(again.duplicates, ORDINARY + RECIPIENTS);
    assert.deepEqual(await mailStore(store).campaigns(), before);
    assert.deepEqual(await mailStore(store).counts(), { messages: ORDINARY + RECIPIENTS, resources: (await mailStore(store).counts()).resources, campaigns: before.length });
  } finally {
    await store.close();
  }
});

test('variations: the token in a path segment, in a subdomain, base64-encoded, behind a redirect wrapper', async (t) => {
  const rnd = new Random(31);
  const boxes = mailboxes(200);
  const ordinary = ordinaryMail(ORDINARY, boxes, rnd);
  const placements: TokenPlacement[] = ['path', 'subdomain', 'base64', 'redirect'];
  const byPlacement = new Map<TokenPlacement, GeneratedMessage[]>();
  placements.forEach((p, i) => byPlacement.set(p, trackingCampaign(boxes.slice(i * 40, i * 40 + RECIPIENTS), p, rnd, `briefing-${p}`)));
  const all = [...byPlacement.values()].flat();
  const dir = tempDir();
  writeMailboxes(dir, ordinary, all);
  const store = await openTestStore();
  try {
    await scanMail(store, [dir]);
    const s = await score(store, new Set(all.map((m) => m.messageId)));
    t.diagnostic(`all variations: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`);
    assert.equal(s.campaigns.length, placements.length);
    const tracking = await mailStore(store).campaigns({ verdict: 'tracking' });
    for (const p of placements) {
      const truth = new Set(byPlacement.get(p)!.map((m) => m.messageId));
      const best = s.campaigns.map((c) => ({ c, hit: c.messageIds.filter((id) => truth.has(id)).length })).sort((a, b) => b.hit - a.hit)[0]!;
      const precision = best.hit / best.c.messageIds.length;
      const recall = best.hit / truth.size;
      t.diagnostic(`${p}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
      assert.equal(precision, 1, p);
      assert.equal(recall, 1, p);
      assert.equal(best.c.recipients.length, RECIPIENTS, p);
      const rec = tracking.find((c) => c.id === best.c.id)!;
      const tracker = `briefing-${p}-cdn.example`;
      // The beacon host is the tracker's, never the redirect wrapper's.
      assert.deepEqual(rec.beaconHosts, [p === 'subdomain' ? tracker : `stats.${tracker}`], `${p}: ${rec.beaconHosts.join(', ')}`);
      if (p === 'base64') assert.ok(rec.evidence.some((e) => e.startsWith(`the recipient's address is in URLs on stats.${tracker}`)), rec.evidence.join('\n'));
    }
    assert.equal(s.precision, 1);
    assert.equal(s.recall, 1);
    // Read in passes of a few hundred messages (as a large store is), the campaigns are the same.
    const once = await mailStore(store).campaigns();
    const mail = { ...mailStore(store), judgingOrder: () => mailStore(store).judgingOrder({ messages: 300, resources: 1000 }) };
    await judgeCampaigns(store, undefined, mail);
    assert.deepEqual(await mailStore(store).campaigns(), once);
  } finally {
    await store.close();
  }
});
