// The mail stage's queries, the same assertions on DuckDB and on ClickHouse: messages staged once
// per hash, read back whole, walked in judging order with their own resources across pages,
// campaigns replaced whole and listed, and resource hosts matched against indicators.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../../test/engines.js';
import { table } from '../store/schema.js';
import { campaign, campaignMessages, campaigns, campaignsJudgedWith, indicatorHosts, replaceCampaigns } from './campaigns-sql.js';
import { judgingOrder, messageRow, messages, openStaging, shaKey } from './messages-sql.js';
import { planPasses } from './judging-passes.js';
import { mailStore } from './store.js';
import type { MailCampaignRecord, MailMessageRecord, MailResourceRecord } from './records.js';

const all = await engines(['mail_messages', 'mail_resources', 'mail_campaigns', 'meta', 'indicators']);

function message(n: number, infraKey: string, template: string, date?: string): MailMessageRecord {
  return {
    sha256: `h${String(n).padStart(3, '0')}`,
    file: 'inbox.mbox',
    offset: n * 1000,
    messageId: n % 2 ? `<m${n}@mail.example>` : undefined,
    date: date ? Date.parse(date) : undefined,
    subject: `subject ${n} with 'quotes' and \\ backslash`,
    fromAddress: `news${n}@sender.example`,
    dkimDomains: n % 3 ? ['sender.example'] : [],
    recipients: ['a@victim.example', 'b@victim.example'],
    listUnsubscribe: n % 2 === 0,
    infraKey,
    template,
  };
}

/** A record without its absent fields. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

type Resource = Omit<MailResourceRecord, 'message'>;
const pixel = (host: string, i: number): Resource => ({ kind: 'img', chain: [`https://${host}/p${i}.gif`], host, width: 1, height: 1, hidden: true, reasons: ['pixel'] });
const link = (host: string): Resource => ({ kind: 'link', chain: [`https://${host}/x`, 'https://final.example/'], host, text: 'click', reasons: [] });

const CAMPAIGN = (id: string, infraKey: string, verdict: MailCampaignRecord['verdict'], n: number): MailCampaignRecord => ({
  id, infraKey, verdict, evidence: [`${n} messages`], messages: n, recipients: ['a@victim.example'], organisations: ['victim.example'],
  firstDate: Date.parse('2024-06-01T00:00:00Z'), lastDate: undefined, beaconHosts: verdict === 'tracking' ? ['t.tracker.example'] : [],
  serviceHosts: [], senders: ['news@sender.example'], subjects: ['hello'],
});

for (const engine of all) {
  describe(engine.name, { skip: engine.skip }, () => {
    test('staging stores each message once, with its resources, and reads them back whole', async () => {
      const d = await engine.open();
      try {
        const staging = await openStaging(d);
        const m1 = message(1, 'b|relay', 't1', '2024-06-02T10:00:00Z');
        const m2 = message(2, 'a|relay', 't1', '2024-06-01T10:00:00Z');
        const m3 = message(3, 'a|relay', 't2');
        await staging.add([m1, m2, m1], [[pixel('t.tracker.example', 0), link('shop.example')], [], [pixel('t.tracker.example', 9)]]);
        await staging.add([m2, m3], [[], [link('other.example')]]);
        assert.deepEqual(await staging.store(), { staged: 5, added: 3 });
        assert.deepEqual(await staging.store(), { staged: 0, added: 0 }, 'counts since the last call');
        assert.deepEqual(await mailStore({ driver: d }).counts(), { messages: 3, resources: 3, campaigns: 0 });
        const stored = await messages(d);
        // By key, then date with undated last.
        assert.deepEqual(stored.map((m) => m.sha256), ['h002', 'h003', 'h001']);
        assert.deepEqual(plain(stored[2]), plain(m1), 'every field read back as written');
        assert.deepEqual(plain(stored[1]), plain(m3));
        assert.deepEqual((await messages(d, ['b|relay'])).map((m) => m.sha256), ['h001']);
        assert.deepEqual(await messages(d, []), []);
      } finally {
        await d.close();
      }
    });

    test('judging order walks every message with exactly its resources, in passes planned from a sample', async () => {
      const d = await engine.open();
      try {
        const staging = await openStaging(d);
        const batch: MailMessageRecord[] = [];
        const resources: Resource[][] = [];
        for (let n = 1; n <= 11; n++) {
          batch.push(message(n, `k${n % 3}`, `t${n % 2}`));
          resources.push(Array.from({ length: n % 4 }, (_, i) => pixel(`h${n}.example`, i)));
        }
        await staging.add(batch, resources);
        assert.equal((await planPasses(d, { messages: 2, resources: 1000 })).length, 6, 'a pass per 2 messages');
        assert.equal((await planPasses(d, { messages: 1000, resources: 4 })).length, 5, 'a pass per 4 of the 18 resources');
        assert.deepEqual(await planPasses(d, { messages: 11, resources: 18 }), [{}]);
        for (const size of [{ messages: 2, resources: 1000 }, { messages: 3, resources: 3 }, { messages: 100, resources: 100 }]) {
          const seen: string[] = [];
          for await (const { message: m, resources: rs } of judgingOrder(d, size)) {
            const n = Number(m.sha256.slice(1));
            seen.push(`${m.infraKey}/${m.template}/${m.sha256}`);
            assert.deepEqual(rs.map((r) => [r.message, r.chain[0], r.hidden]), Array.from({ length: n % 4 }, (_, i) => [m.sha256, `https://h${n}.example/p${i}.gif`, true]), `${JSON.stringify(size)}, ${m.sha256}`);
          }
          assert.equal(seen.length, 11);
          assert.deepEqual(seen, [...seen].sort(), `${JSON.stringify(size)}: by key, template, hash`);
        }
      } finally {
        await d.close();
      }
    });

    test('a message is found stored by the key of its hash, then by the hash itself', async () => {
      const d = await engine.open();
      try {
        // A stored message whose integer key is that of another hash: the keys match, the hashes do not.
        await d.load(table('mail_messages'), [{ ...messageRow(message(1, 'k', 't')), sha_key: shaKey('h002') }]);
        const staging = await openStaging(d);
        await staging.add([message(2, 'k', 't'), message(1, 'k', 't')], [[], []]);
        assert.deepEqual(await staging.store(), { staged: 2, added: 1 });
        assert.deepEqual((await messages(d)).map((m) => m.sha256), ['h001', 'h002']);
      } finally {
        await d.close();
      }
    });

    test('messages and resources stored without their keys are found stored, and judged with their resources', async () => {
      const d = await engine.open();
      try {
        // As stored before messages had sha_key and resources their message's keys.
        const old = [message(1, 'k1', 't'), message(2, 'k2', 't'), message(3, 'k2', 'u')];
        await d.load(table('mail_messages'), old.map((m) => ({ ...messageRow(m), sha_key: null })));
        await d.load(table('mail_resources'), old.map((m, position) => ({ message: m.sha256, position, kind: 'img', chain: [`https://p${position}.example/`], host: `p${position}.example`, hidden: false, reasons: [] })));
        const staging = await openStaging(d);
        await staging.add([...old, message(4, 'k1', 'u')], [[], [], [], [link('new.example')]]);
        assert.deepEqual(await staging.store(), { staged: 4, added: 1 });
        for (const size of [{ messages: 1, resources: 1000 }, { messages: 100, resources: 100 }]) {
          const read: string[] = [];
          for await (const { message: m, resources: rs } of judgingOrder(d, size)) read.push(`${m.sha256} ${rs.map((r) => r.host).join(' ')}`);
          assert.deepEqual(read, ['h001 p0.example', 'h004 new.example', 'h002 p1.example', 'h003 p2.example'], JSON.stringify(size));
        }
      } finally {
        await d.close();
      }
    });

    test('campaigns are replaced whole, listed tracking first, and name their messages', async () => {
      const d = await engine.open();
      try {
        const staging = await openStaging(d);
        await staging.add([message(1, 'k1', 't', '2024-06-03T00:00:00Z'), message(2, 'k1', 't', '2024-06-01T00:00:00Z'), message(3, 'k2', 't')], [[], [], []]);
        assert.equal(await campaignsJudgedWith(d), undefined);
        await replaceCampaigns(d, [CAMPAIGN('old', 'k9', 'clean', 1)], 3);
        await replaceCampaigns(d, [CAMPAIGN('c2', 'k2', 'clean', 1), CAMPAIGN('c1', 'k1', 'tracking', 2), CAMPAIGN('c3', 'k3', 'marketing', 5)], 7);
        assert.equal(await campaignsJudgedWith(d), 7);
        assert.deepEqual((await campaigns(d)).map((c) => c.id), ['c1', 'c3', 'c2']);
        assert.deepEqual((await campaigns(d, { verdict: 'clean' })).map((c) => c.id), ['c2']);
        assert.deepEqual((await campaigns(d, { limit: 1 })).map((c) => c.id), ['c1']);
        assert.deepEqual(plain(await campaign(d, 'c1')), plain(CAMPAIGN('c1', 'k1', 'tracking', 2)));
        assert.equal(await campaign(d, 'old'), undefined);
        assert.deepEqual((await campaignMessages(d, 'c1')).map((m) => m.sha256), ['h002', 'h001'], 'oldest first');
        assert.deepEqual((await campaignMessages(d, 'c1', 1)).map((m) => m.sha256), ['h002']);
        assert.deepEqual((await mailStore({ driver: d }).counts()).campaigns, 3);
        await replaceCampaigns(d, [], 8);
        assert.deepEqual([await campaigns(d), await campaign(d, 'c1'), await campaignMessages(d, 'c1'), await campaignsJudgedWith(d)], [[], undefined, [], 8]);
      } finally {
        await d.close();
      }
    });

    test('a host is an indicator by its domain or a parent domain, or literally by its address', async () => {
      const d = await engine.open();
      try {
        const ind = (id: number, type: string, value: string, domain: string | null, source: string, forDetection = true) => ({
          id, import_id: 1, source, type, value, domain, for_detection: forDetection,
        });
        await d.load(table('indicators'), [
          ind(1, 'domain', 'c2.example', 'c2.example', 'feed-a'),
          ind(2, 'url', 'http://c2.example/gate.php', 'c2.example', 'feed-b'),
          ind(3, 'ip', '198.51.100.7', null, 'feed-c'),
          ind(4, 'domain', 'quiet.example', 'quiet.example', 'feed-d', false),
          ind(5, 'cidr', '203.0.113.0/24', null, 'feed-e'),
          ind(6, 'ip', '192.0.2.1', null, 'feed-f'),
        ]);
        const found = await indicatorHosts(d, ['c2.example', 'img.cdn.c2.example', 'notc2.example', '198.51.100.7', 'quiet.example', '203.0.113.5', '1.192.0.2.1', "o'brien.example"]);
        assert.deepEqual(Object.fromEntries(found), {
          'c2.example': { indicator: 'c2.example', source: 'feed-a' },
          'img.cdn.c2.example': { indicator: 'c2.example', source: 'feed-a' },
          '198.51.100.7': { indicator: '198.51.100.7', source: 'feed-c' },
        });
        assert.equal((await indicatorHosts(d, [])).size, 0);
      } finally {
        await d.close();
      }
    });
  });
}
