import { test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { join } from 'node:path';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { judgeCampaigns, scanMail } from './scan.js';
import { writeTestMailboxes } from './test-mailboxes.js';

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
    const r = await scanMail(store, [dir]);
    assert.equal(r.campaigns.tracking, 1);
  } finally {
    for (const undo of restore) undo();
    await store.close();
  }
  assert.deepEqual(calls, []);
});

test('campaigns judged a few at a time are the campaigns judged all at once', async () => {
  const dir = writeTestMailboxes(join(tempDir(), 'mail'), { ordinary: 400, recipients: 7, seed: 9 }).dir;
  const store = await openTestStore();
  try {
    await scanMail(store, [dir]);
    const once = await store.mail.campaigns();
    assert.ok(once.length >= 5);
    await judgeCampaigns(store, 1);
    assert.deepEqual(await store.mail.campaigns(), once);
    await judgeCampaigns(store, 150);
    assert.deepEqual(await store.mail.campaigns(), once);
  } finally {
    await store.close();
  }
});
