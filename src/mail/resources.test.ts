import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gradeResources, namedSite } from './grade.js';
import { htmlResources, textResources } from './resources.js';
import { unwrap } from './urls.js';

test('every remote resource in HTML: images with size, CSS url() and @import, link, iframe, background, links', () => {
  const { resources } = htmlResources(`<html><head>
<link rel="stylesheet" href="https://css.example/a.css">
<style>@import "https://css.example/b.css"; .x { background: url('https://css.example/bg.png') }</style></head>
<body background="https://bg.example/body.jpg">
<img src="https://t.example/p.gif" width="1" height="1">
<img src="https://t.example/q.gif" style="width:1px;height:1px">
<img src="https://t.example/h.gif" style="display:none">
<img src="cid:logo@x" width="100">
<div style="background-image:url(&quot;https://bg.example/div.png&quot;)">x</div>
<iframe src="//frame.example/f"></iframe>
<a href="https://news.example/story">Read  the
 story</a><a href="mailto:x@y.example">mail</a>
</body></html>`);
  assert.deepEqual(
    resources.map((r) => [r.kind, r.chain[0], r.width ?? null, r.height ?? null, r.hidden ?? false]),
    [
      ['link', 'https://css.example/a.css', null, null, false],
      ['css', 'https://css.example/b.css', null, null, false],
      ['css', 'https://css.example/bg.png', null, null, false],
      ['background', 'https://bg.example/body.jpg', null, null, false],
      ['img', 'https://t.example/p.gif', 1, 1, false],
      ['img', 'https://t.example/q.gif', 1, 1, false],
      ['img', 'https://t.example/h.gif', null, null, true],
      ['css', 'https://bg.example/div.png', null, null, false],
      ['iframe', 'https://frame.example/f', null, null, false],
      ['anchor', 'https://news.example/story', null, null, false],
    ],
  );
  assert.equal(resources.at(-1)!.text, 'Read the story');
});

test('un-obfuscation: whitespace, entities, CSS escapes, percent-encoding, redirect wrappers in a parameter, a path, base64', () => {
  assert.deepEqual(unwrap(' https://t.exa\nmple/p '), ['https://t.example/p']);
  assert.deepEqual(unwrap('https://%74rack.example/x'), ['https://track.example/x']);
  assert.deepEqual(unwrap('https://r.example/out?url=https%3A%2F%2Ft.example%2Fo%3Fid%3D7'), ['https://r.example/out?url=https%3A%2F%2Ft.example%2Fo%3Fid%3D7', 'https://t.example/o?id=7']);
  const b64 = Buffer.from('https://t.example/o/abc').toString('base64url');
  assert.deepEqual(unwrap(`https://r.example/go?u=${b64}`).at(-1), 'https://t.example/o/abc');
  assert.deepEqual(unwrap(`https://r.example/go/${b64}`).at(-1), 'https://t.example/o/abc');
  assert.deepEqual(unwrap('https://x.awstrack.me/L0/https:%2F%2Fwww.shop.example%2Fnews/1/tok').at(-1), 'https://www.shop.example/news');
  assert.deepEqual(unwrap('https://r.example/redirect/https://t.example/z?q=1').at(-1), 'https://t.example/z?q=1');
  const twice = encodeURIComponent(encodeURIComponent('https://t.example/deep'));
  assert.deepEqual(unwrap(`https://a.example/?r=${twice}`).at(-1), 'https://t.example/deep');
  assert.deepEqual(unwrap('javascript:alert(1)'), []);
  const { resources } = htmlResources(`<div style="background:url(\\68 ttps://esc.example/e.png)"></div><a href="https&#58;//ent.example/&#x61;">x</a>`);
  assert.deepEqual(resources.map((r) => r.chain[0]), ['https://esc.example/e.png', 'https://ent.example/a']);
});

test('URLs in plain text', () => {
  assert.deepEqual(
    textResources('See https://a.example/x, and (https://b.example/y).\nhttp://c.example').map((r) => r.chain[0]),
    ['https://a.example/x', 'https://b.example/y', 'http://c.example/'],
  );
});

test('grading: pixel, hidden, known service, the recipient address in plain or encoded form, link text naming another site', () => {
  const to = 'Anna@Org.example';
  const md5 = createHash('md5').update('anna@org.example').digest('hex');
  const { resources } = htmlResources(`
<img src="https://t.example/p.gif" width="1" height="1">
<img src="https://img.example/logo.png" width="120" height="40">
<img src="https://t.example/h.gif" style="visibility:hidden">
<img src="https://shop.us5.list-manage.com/track/open.php?u=1">
<a href="https://t.example/c?e=${md5}">Read</a>
<a href="https://t.example/c?d=${Buffer.from('x=1;to=anna@org.example').toString('base64')}">Read</a>
<a href="https://click.tracker.example/r/1">www.news.example/world</a>
<a href="https://r.example/?u=https%3A%2F%2Fwww.news.example%2Fa">https://news.example</a>`);
  gradeResources(resources, [to.toLowerCase()]);
  assert.deepEqual(
    resources.map((r) => r.reasons),
    [['pixel'], [], ['hidden'], ['known-service:Mailchimp'], ['recipient-address'], ['recipient-address'], ['mismatch:news.example'], []],
  );
  assert.equal(namedSite('Read more'), undefined);
  assert.equal(namedSite('WWW.News.Example'), 'news.example');
});
