import { test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { mailboxes, Random, toMbox, trackingCampaign } from './corpus.js';
import { judgeCampaigns, scanMail } from './scan.js';
import { writeTestMailboxes } from '../../test/mailboxes.js';
import { mailStore } from './store.js';

test('a scan opens no connection and resolves no name: nothing a message points to is fetched', async () => {
  const calls: string[] = [];
  const restore: (() => void)[] = [];
  const trap = <T extends object>(obj: T, key: keyof T, name: string) => {
    const orig = obj[key];
    (obj as Record<keyof T, unknown>)[key] = (...args: unknown[]) => {
      calls.push(`${name}(${String(args[0]).slice(0, 60)})`);
      throw new Error(`network access during a mail scan: ${name}`);
    };
    restore.push(() => ((obj as Record<keyof T, unknown>)[key] = orig));
  };
  const dir = writeTestMailboxes(join(tempDir(), 'mail'), { ordinary: 300, recipients: 5, placement: 'redirect' }).dir;
  const store = await openTestStore();
  try {
    trap(net.Socket.prototype, 'connect', 'net.Socket.connect');
    trap(net, 'connect', 'net.connect');
    trap(tls, 'connect', 'tls.connect');
    trap(dns, 'lookup', 'dns.lookup');
    trap(dns.promises, 'lookup', 'dns.promises.lookup');
    trap(dns, 'resolve', 'dns.resolve');
    trap(http, 'request', 'http.request');
    trap(http, 'get', 'http.get');
    trap(https, 'request', 'https.request');
    trap(https, 'get', 'https.get');
    trap(globalThis, 'fetch', 'fetch');
    // Parsed on this thread (no workers), where the traps are set.
    const r = await scanMail(store, [dir], { workers: 0 });
    assert.equal(r.campaigns.tracking, 1);
  } finally {
    for (const undo of restore) undo();
    await store.close();
  }
  assert.deepEqual(calls, []);
});

test('campaigns judged asking about their hosts one at a time, or 150 at a time, are the campaigns judged at the end of the scan', async () => {
  const dir = writeTestMailboxes(join(tempDir(), 'mail'), { ordinary: 400, recipients: 7, seed: 9 }).dir;
  const store = await openTestStore();
  try {
    await scanMail(store, [dir]);
    const once = await mailStore(store).campaigns();
    assert.ok(once.length >= 5);
    await judgeCampaigns(store, 1);
    assert.deepEqual(await mailStore(store).campaigns(), once);
    await judgeCampaigns(store, 150);
    assert.deepEqual(await mailStore(store).campaigns(), once);
  } finally {
    await store.close();
  }
});

test('a campaign sent from the tracker\'s own domain is tracking when it shares its beacon host with a tracking campaign', async () => {
  const rnd = new Random(4);
  const boxes = mailboxes(40);
  const covert = trackingCampaign(boxes.slice(0, 6), 'path', rnd);
  const ownDomain = trackingCampaign(boxes.slice(10, 16), 'path', rnd).map((m) => ({
    ...m,
    raw: m.raw
      .replace(/^From: .*$/m, 'From: "Diplomat Weekly" <news@diplomat-weekly-cdn.example>\nDKIM-Signature: v=1; a=rsa-sha256; d=diplomat-weekly-cdn.example; s=k; b=x=\nList-Unsubscribe: <mailto:u@diplomat-weekly-cdn.example>')
      .replace(/^Return-Path: .*$/m, 'Return-Path: <bounce@diplomat-weekly-cdn.example>')
      .replace('203.0.113.45', '198.51.100.99'),
  }));
  const dir = join(tempDir(), 'mail');
  mkdirSync(dir);
  writeFileSync(join(dir, 'box.mbox'), toMbox([...covert, ...ownDomain]));
  const store = await openTestStore();
  try {
    await scanMail(store, [dir]);
    const campaigns = await mailStore(store).campaigns();
    assert.deepEqual(campaigns.map((c) => [c.infraKey, c.verdict]).sort(), [
      ['diplomat-weekly-cdn.example|198.51.100.0/24', 'tracking'],
      ['diplomat-weekly.example|203.0.113.0/24', 'tracking'],
    ]);
    const own = campaigns.find((c) => c.infraKey.startsWith('diplomat-weekly-cdn'))!;
    const other = campaigns.find((c) => c !== own)!;
    assert.ok(own.evidence.includes(`tracking: shares beacon host stats.diplomat-weekly-cdn.example with tracking campaign ${other.id}`), own.evidence.join('\n'));
    assert.ok(!own.evidence.some((e) => e.startsWith('token host')), 'on its own it is the sender\'s own tracking');
    assert.ok(other.evidence.includes(`beacon host stats.diplomat-weekly-cdn.example is also in campaign ${own.id} (marketing)`), other.evidence.join('\n'));
  } finally {
    await store.close();
  }
});

test('a message read twice in one scan is stored once, as first read; a scan that stops on an error before storing stores nothing', async () => {
  const rnd = new Random(12);
  const msgs = trackingCampaign(mailboxes(5), 'query', rnd);
  const dir = join(tempDir(), 'mail');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.mbox'), toMbox(msgs));
  writeFileSync(join(dir, 'b.eml'), msgs[2]!.raw);
  writeFileSync(join(dir, 'c.eml'), 'no headers here\n');
  const store = await openTestStore();
  try {
    await assert.rejects(
      scanMail(store, [dir], {
        onProblem: () => {
          throw new Error('stop');
        },
      }),
      /stop/,
    );
    assert.deepEqual(await mailStore(store).counts(), { messages: 0, resources: 0, campaigns: 0 });
    const r = await scanMail(store, [dir]);
    assert.equal(r.messages, 6);
    assert.equal(r.added, 5);
    assert.equal(r.duplicates, 1);
    const stored = await mailStore(store).messages();
    assert.equal(stored.length, 5);
    const twice = stored.find((m) => m.recipients[0] === msgs[2]!.recipient)!;
    assert.equal(twice.file, join(dir, 'a.mbox'), 'the first reading is kept');
    const counts = await mailStore(store).counts();
    assert.equal(counts.resources, 5 * 4, 'each message with its four resources, once');
    const again = await scanMail(store, [dir]);
    assert.deepEqual([again.added, again.duplicates], [0, 6]);
    assert.deepEqual(await mailStore(store).counts(), counts);
  } finally {
    await store.close();
  }
});
