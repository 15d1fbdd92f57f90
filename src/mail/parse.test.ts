import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BotcensusError } from '../core/errors.js';
import { originRelay, readMessage } from './parse.js';

const read = (text: string | Buffer, offset = 0) => readMessage({ file: 'box.mbox', offset, bytes: Buffer.isBuffer(text) ? text : Buffer.from(text) });

test('multipart with base64 and quoted-printable parts in other charsets, encoded-word headers', async () => {
  const html = Buffer.from('<p>Caf\xe9 <a href="https://news.example/a?x=1&amp;y=&#x32;">Lire l\'article</a></p>', 'latin1');
  const m = await read(
    [
      'Delivered-To: Member001@Parliament.example',
      'Received: from mx.parliament.example by imap.parliament.example with LMTP',
      'Received: from out.news.example (out.news.example [198.51.100.7]) by mx.parliament.example',
      'Received: from app.news.example (app [10.1.2.3]) by out.news.example',
      'DKIM-Signature: v=1; a=rsa-sha256; d=esp.example; s=a; b=x=',
      'DKIM-Signature: v=1; a=rsa-sha256; d=News.example; s=b; b=y=',
      'Return-Path: <bounce@esp.example>',
      'From: =?iso-8859-1?Q?R=E9daction?= <Redaction@news.example>',
      'To: =?utf-8?B?w4lsaXNl?= <elise@parliament.example>',
      'Subject: =?utf-8?B?w4l0w6k=?= =?iso-8859-1?Q?_caf=E9?=',
      'Date: Tue, 03 Nov 2026 10:00:00 +0100',
      'Message-ID: <abc@news.example>',
      'List-Unsubscribe: <mailto:u@news.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=windows-1252',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=E9 =93quoted=94 https://news.example/plain?id=3D7.',
      '--b',
      'Content-Type: text/html; charset=iso-8859-1',
      'Content-Transfer-Encoding: base64',
      '',
      html.toString('base64'),
      '--b--',
      '',
    ].join('\r\n'),
  );
  assert.equal(m.subject, 'Été café');
  assert.equal(m.fromName, 'Rédaction');
  assert.equal(m.fromAddress, 'redaction@news.example');
  assert.deepEqual(m.recipients, ['member001@parliament.example']);
  assert.deepEqual(m.dkimDomains, ['esp.example', 'news.example']);
  assert.equal(m.envelopeFrom, 'bounce@esp.example');
  assert.equal(m.relay, '198.51.100.0/24', 'the earliest public hop; the private one is passed over');
  assert.equal(m.infraKey, 'news.example|198.51.100.0/24', 'the signature aligned with From wins');
  assert.equal(m.date, Date.parse('2026-11-03T09:00:00Z'));
  assert.equal(m.messageId, 'abc@news.example');
  assert.equal(m.listUnsubscribe, true);
  const anchor = m.resources.find((r) => r.kind === 'anchor')!;
  assert.deepEqual(anchor.chain, ['https://news.example/a?x=1&y=2'], 'entities decoded');
  assert.equal(anchor.text, "Lire l'article");
  const text = m.resources.find((r) => r.kind === 'text')!;
  assert.deepEqual(text.chain, ['https://news.example/plain?id=7'], 'quoted-printable decoded, trailing dot dropped');
  assert.equal(m.sha256.length, 64);
});

test('without Delivered-To, recipients come from To and Cc (groups flattened)', async () => {
  const m = await read('From: a@x.example\nTo: team: b@y.example, c@y.example;\nCc: d@z.example\nSubject: s\n\nhi\n');
  assert.deepEqual(m.recipients, ['b@y.example', 'c@y.example', 'd@z.example']);
  assert.equal(m.infraKey, 'x.example|');
});

test('a message that does not start with header fields is malformed, named with its file and offset', async () => {
  await assert.rejects(read('this is not a mail\n\nbody', 1234), (err: unknown) => {
    assert.ok(err instanceof BotcensusError);
    assert.equal(err.where.file, 'box.mbox');
    assert.match(err.message, /^malformed message at byte 1234: does not start with a header field/);
    return true;
  });
  await assert.rejects(read('X-Only: header\n\nbody'), /no From, To, Date, Subject or Message-ID header/);
});

test('template: look-alike messages to different recipients hash alike, other text does not', async () => {
  const msg = (to: string, name: string, token: string, body = 'the weekly briefing on trade and security') =>
    read(`From: n@news.example\nTo: ${name} <${to}>\nSubject: Briefing 12\n\nDear ${name}, ${body}. Your code ${token}. https://t.example/${token}\n`);
  const a = await msg('anna@org.example', 'Anna Adler', 'x81ka02kd');
  const b = await msg('ben@org.example', 'Ben Brook', 'q9zz01mmk');
  const c = await msg('ben@org.example', 'Ben Brook', 'q9zz01mmk', 'a different text altogether');
  assert.equal(a.template, b.template);
  assert.notEqual(a.template, c.template);
});

test('the relay is a host name when no hop has a public address', () => {
  assert.equal(originRelay(['from mx.b.example by c', 'from smtp.relay.example (smtp [10.0.0.1]) by mx']), 'relay.example');
  assert.equal(originRelay(['from x ([IPv6:2001:db8:1:2::5]) by y']), '2001:db8:1::/48');
  assert.equal(originRelay([]), undefined);
});
