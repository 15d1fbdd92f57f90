// Generated mail for the mail tests and bench: ordinary mail (newsletters with their own open
// tracking, newsletters through a known bulk-mail service, personal mail, mailing lists, internal
// notices with per-user links) and a covert tracking campaign of look-alike newsletters with a
// per-recipient token in a 1x1 image and in its links. All names are .example; addresses are in
// the documentation ranges.
import { Random } from '../demo/random.js';

/** Where the campaign puts its per-recipient token. */
export type TokenPlacement = 'query' | 'path' | 'subdomain' | 'base64' | 'redirect';
export const TOKEN_PLACEMENTS: readonly TokenPlacement[] = ['query', 'path', 'subdomain', 'base64', 'redirect'];

export interface GeneratedMessage {
  /** The message as stored in a mailbox (LF line ends, no mbox From_ line). */
  raw: string;
  recipient: string;
  messageId: string;
  kind: 'campaign' | 'own-tracking' | 'esp' | 'personal' | 'list' | 'notice';
}

const ORGS = ['parliament.example', 'ministry-foreign.example', 'senate.example', 'ngo-rights.example', 'university.example'];
const WORDS =
  'budget committee hearing draft amendment review meeting agenda minutes report policy security trade vote session briefing travel dinner schedule notes contract update proposal deadline question answer weekend family garden football concert library'.split(
    ' ',
  );
const FIRST = ['anna', 'ben', 'chen', 'dana', 'eli', 'farah', 'gus', 'hana', 'ivan', 'jo', 'kai', 'lena', 'mo', 'nia', 'omar', 'pia'];
const LAST = ['adler', 'brook', 'costa', 'dahl', 'evans', 'fox', 'grant', 'hale', 'ito', 'jansen', 'klein', 'lund'];

export function mailboxes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `member${String(i + 1).padStart(3, '0')}@${ORGS[i % ORGS.length]}`);
}

const date = (rnd: Random, base = Date.UTC(2026, 10, 1)) => new Date(base + rnd.int(0, 30 * 86_400) * 1000).toUTCString().replace('GMT', '+0000');
const token = (rnd: Random, n = 12) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rnd.int(0, 35)]).join('');
const words = (rnd: Random, n: number) => Array.from({ length: n }, () => rnd.pick(WORDS)).join(' ');

function headers(h: [string, string][]): string {
  return h.map(([k, v]) => `${k}: ${v}`).join('\n');
}

let seq = 0;
const mid = (rnd: Random, domain: string) => `${token(rnd, 16)}.${++seq}@${domain}`;

/** The covert campaign: one look-alike newsletter per recipient, the token placed as `placement` says. */
export function trackingCampaign(recipients: string[], placement: TokenPlacement, rnd: Random, brand = 'diplomat-weekly'): GeneratedMessage[] {
  const tracker = `${brand}-cdn.example`;
  return recipients.map((to) => {
    const t = token(rnd);
    const url = (what: string, n: number): string => {
      switch (placement) {
        case 'query':
          return `https://stats.${tracker}/${what}?rid=${t}&n=${n}`;
        case 'path':
          return `https://stats.${tracker}/${what}/${t}/${n}`;
        case 'subdomain':
          return `https://${t}.${tracker}/${what}/${n}`;
        case 'base64':
          return `https://stats.${tracker}/${what}?d=${Buffer.from(`r=${to};c=${n}`).toString('base64')}`;
        case 'redirect':
          return `https://redirect.portal.example/out?url=${encodeURIComponent(`https://stats.${tracker}/${what}?rid=${t}&n=${n}`)}`;
      }
    };
    const id = mid(rnd, `mailer.${brand}.example`);
    const html = `<html><body><table width="600"><tr><td>
<h1>The ${brand.replace('-', ' ')} briefing</h1>
<p>Security in the Indo-Pacific: what the new defence pact means for the region.</p>
<p><a href="${url('c', 1)}">www.${brand}.example/asia/defence-pact</a></p>
<p>Trade talks stall as delegations leave early. <a href="${url('c', 2)}">Read more</a></p>
<p><a href="${url('c', 3)}">https://www.${brand}.example/opinion</a></p>
<img src="${url('o', 0)}" width="1" height="1" alt="" style="display:block">
</td></tr></table></body></html>`;
    const raw = `${headers([
      ['Return-Path', `<bounce@mailer.${brand}.example>`],
      ['Delivered-To', to],
      ['Received', `from mx.${to.split('@')[1]} by imap.${to.split('@')[1]} with LMTP`],
      ['Received', `from mailer.${brand}.example (mailer.${brand}.example [203.0.113.45]) by mx.${to.split('@')[1]} with ESMTPS`],
      ['From', `"The ${brand.replace('-', ' ')}" <editor@${brand}.example>`],
      ['To', to],
      ['Subject', 'Weekly briefing: Indo-Pacific security'],
      ['Date', date(rnd)],
      ['Message-ID', `<${id}>`],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Content-Transfer-Encoding', 'quoted-printable'],
    ])}\n\n${qp(html)}\n`;
    return { raw, recipient: to, messageId: id, kind: 'campaign' };
  });
}

/** Ordinary mail: n messages over the recipients. */
export function ordinaryMail(n: number, recipients: string[], rnd: Random): GeneratedMessage[] {
  const out: GeneratedMessage[] = [];
  let issue = 0;
  while (out.length < n) {
    const left = n - out.length;
    // Bulk kinds come 25-40 messages at a time: about a third of the messages end up personal.
    const roll = rnd.next();
    if (roll < 0.94) {
      out.push(personal(rnd, rnd.pick(recipients)));
      continue;
    }
    const bulk = rnd.next();
    if (bulk < 0.45) out.push(...ownTrackingIssue(rnd, recipients, issue++).slice(0, left));
    else if (bulk < 0.7) out.push(...espIssue(rnd, recipients, issue++).slice(0, left));
    else if (bulk < 0.92) out.push(...listPosts(rnd, recipients).slice(0, left));
    else out.push(...noticeRound(rnd, recipients).slice(0, left));
  }
  return out;
}

/** A newsletter with its own open and click tracking on its own site, to a part of the recipients. */
function ownTrackingIssue(rnd: Random, recipients: string[], issue: number): GeneratedMessage[] {
  const site = rnd.pick(['dailyledger.example', 'techweekly.example', 'citynews.example', 'bookshop.example']);
  const subject = `${site.split('.')[0]} #${issue}: ${words(rnd, 4)}`;
  const body = words(rnd, 40);
  return rnd_subset(rnd, recipients, 40).map((to) => {
    const t = token(rnd, 16);
    const id = mid(rnd, `mail.${site}`);
    const html = `<html><body><h2>${subject}</h2><p>${body}</p>
<p><a href="https://click.${site}/c/${t}/1">www.${site}</a> | <a href="https://click.${site}/c/${t}/2">Read online</a></p>
<img src="https://open.${site}/o/${t}.gif" width="1" height="1" alt="">
<p style="font-size:10px">You receive this as a subscriber. <a href="https://www.${site}/unsubscribe?u=${t}">Unsubscribe</a></p></body></html>`;
    return {
      raw: `${headers([
        ['Return-Path', `<bounces+${t}@mail.${site}>`],
        ['Delivered-To', to],
        ['Received', `from mail.${site} (mail.${site} [198.51.100.${10 + (site.length % 50)}]) by mx.${to.split('@')[1]} with ESMTPS`],
        ['DKIM-Signature', `v=1; a=rsa-sha256; d=${site}; s=news; h=from:to:subject; bh=abc=; b=def=`],
        ['From', `${site.split('.')[0]} <news@${site}>`],
        ['To', to],
        ['Subject', subject],
        ['Date', date(rnd)],
        ['Message-ID', `<${id}>`],
        ['List-Unsubscribe', `<https://www.${site}/unsubscribe?u=${t}>, <mailto:unsubscribe@${site}>`],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'multipart/alternative; boundary="alt-1"'],
      ])}\n\n--alt-1\nContent-Type: text/plain; charset=utf-8\n\n${subject}\n${body}\nRead online: https://click.${site}/c/${t}/2\n--alt-1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${b64(html)}\n--alt-1--\n`,
      recipient: to,
      messageId: id,
      kind: 'own-tracking',
    };
  });
}

/** A newsletter sent through a known bulk-mail service (list-manage.com and awstrack.me hosts). */
function espIssue(rnd: Random, recipients: string[], issue: number): GeneratedMessage[] {
  const brand = rnd.pick(['outdoorgear', 'concerthall', 'museumfriends']);
  const site = `${brand}.example`;
  const mc = rnd.chance(0.6);
  const subject = `=?utf-8?Q?${brand}_news_=E2=80=93_issue_${issue}?=`;
  const body = words(rnd, 50);
  return rnd_subset(rnd, recipients, 30).map((to) => {
    const t = token(rnd, 10);
    const id = mid(rnd, mc ? 'mail137.atl11.mcsv.net' : 'email.amazonses.com');
    const click = (n: number) =>
      mc ? `https://${brand}.us5.list-manage.com/track/click?u=8f2c0a&amp;id=${issue}a${n}&amp;e=${t}` : `https://${token(rnd, 8)}.r.eu-west-1.awstrack.me/L0/https:%2F%2Fwww.${site}%2Fnews%2F${n}/1/${t}`;
    const open = mc ? `https://${brand}.us5.list-manage.com/track/open.php?u=8f2c0a&amp;id=${issue}&amp;e=${t}` : `https://${token(rnd, 8)}.r.eu-west-1.awstrack.me/I0/${t}/open.gif`;
    const html = `<html><body><h1>${brand}</h1><p>${body}</p><p><a href="${click(1)}">www.${site}</a></p><p><a href="${click(2)}">Shop now</a></p><img src="${open}" height="1" width="1"></body></html>`;
    return {
      raw: `${headers([
        ['Return-Path', mc ? `<bounce-mc.us5_8f2c0a.${issue}-${t}@mail137.atl11.mcsv.net>` : `<${t}@eu-west-1.amazonses.com>`],
        ['Delivered-To', to],
        ['Received', `from mail137.atl11.mcsv.net (mail137.atl11.mcsv.net [${mc ? '198.51.100.137' : '198.51.100.200'}]) by mx.${to.split('@')[1]} with ESMTPS`],
        ['DKIM-Signature', `v=1; a=rsa-sha256; d=${mc ? 'mcsv.net' : 'amazonses.com'}; s=k1; b=x=`],
        ['DKIM-Signature', `v=1; a=rsa-sha256; d=${site}; s=k2; b=y=`],
        ['From', `${brand} <hello@${site}>`],
        ['To', `<${to}>`],
        ['Subject', subject],
        ['Date', date(rnd)],
        ['Message-ID', `<${id}>`],
        ['List-Unsubscribe', `<https://${brand}.us5.list-manage.com/unsubscribe?u=8f2c0a&e=${t}>`],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/html; charset="iso-8859-1"'],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ])}\n\n${qp(html)}\n`,
      recipient: to,
      messageId: id,
      kind: 'esp',
    };
  });
}

/** A few posts to a mailing list, each delivered to its subscribers. */
function listPosts(rnd: Random, recipients: string[]): GeneratedMessage[] {
  const list = rnd.pick(['policy-forum', 'security-announce', 'staff-social']);
  const author = `${rnd.pick(FIRST)}.${rnd.pick(LAST)}@${rnd.pick(ORGS)}`;
  const subject = `[${list}] ${words(rnd, 5)}`;
  const body = `${words(rnd, 60)}\n\nSee also https://archive.lists.example/${list}/${rnd.int(1000, 9999)}.html\n\n--\n${list} mailing list\nhttps://lists.example/mailman/listinfo/${list}\n`;
  return rnd_subset(rnd, recipients.slice(0, 60), 25).map((to) => {
    const id = mid(rnd, 'lists.example');
    return {
      raw: `${headers([
        ['Return-Path', `<${list}-bounces@lists.example>`],
        ['Delivered-To', to],
        ['Received', `from lists.example (lists.example [192.0.2.25]) by mx.${to.split('@')[1]} with ESMTP`],
        ['DKIM-Signature', 'v=1; a=rsa-sha256; d=lists.example; s=mm; b=z='],
        ['From', `${author}`],
        ['To', `${list}@lists.example`],
        ['Subject', subject],
        ['Date', date(rnd)],
        ['Message-ID', `<${id}>`],
        ['List-Id', `<${list}.lists.example>`],
        ['List-Unsubscribe', `<https://lists.example/mailman/options/${list}>`],
        ['Content-Type', 'text/plain; charset=us-ascii'],
      ])}\n\n${body}`,
      recipient: to,
      messageId: id,
      kind: 'list',
    };
  });
}

/** An internal notice to many staff with a personal link on the organisation's own site. */
function noticeRound(rnd: Random, recipients: string[]): GeneratedMessage[] {
  const org = 'parliament.example';
  const staff = recipients.filter((r) => r.endsWith('@' + org));
  return rnd_subset(rnd, staff, 30).map((to) => {
    const id = mid(rnd, org);
    const t = token(rnd, 24);
    return {
      raw: `${headers([
        ['Return-Path', `<helpdesk@${org}>`],
        ['Delivered-To', to],
        ['Received', `from app01.${org} (app01.${org} [10.0.0.5]) by mx.${org} with ESMTP`],
        ['DKIM-Signature', `v=1; a=rsa-sha256; d=${org}; s=it; b=q=`],
        ['From', `IT helpdesk <helpdesk@${org}>`],
        ['To', to],
        ['Subject', 'Your password expires in 7 days'],
        ['Date', date(rnd)],
        ['Message-ID', `<${id}>`],
        ['Content-Type', 'text/html; charset=utf-8'],
      ])}\n\n<p>Your password expires soon. <a href="https://sso.${org}/reset?token=${t}">Change it now</a>.</p>\n`,
      recipient: to,
      messageId: id,
      kind: 'notice',
    };
  });
}

/** Personal mail: text or multipart, charsets, encoded words, sometimes a link or an attachment. */
function personal(rnd: Random, to: string): GeneratedMessage {
  const name = `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`;
  const from = `${name.replace(' ', '.')}@mail-provider.example`;
  const id = mid(rnd, 'mail-provider.example');
  const text = `Hi,\n\n${words(rnd, rnd.int(20, 80))}\n${rnd.chance(0.3) ? `The document: https://docs.share.example/d/${token(rnd, 20)}\n` : ''}\nBest, ${name}\n`;
  const head: [string, string][] = [
    ['Return-Path', `<${from}>`],
    ['Delivered-To', to],
    ['Received', `from smtp.mail-provider.example (smtp.mail-provider.example [192.0.2.${rnd.int(30, 40)}]) by mx.${to.split('@')[1]} with ESMTPS`],
    ['DKIM-Signature', 'v=1; a=rsa-sha256; d=mail-provider.example; s=20230601; b=p='],
    ['From', `=?iso-8859-1?Q?${name.replace(' ', '_')}?= <${from}>`],
    ['To', to],
    ['Subject', rnd.chance(0.5) ? `Re: ${words(rnd, 3)}` : `=?utf-8?B?${Buffer.from(`Caf\u00e9 ${words(rnd, 2)}`).toString('base64')}?=`],
    ['Date', date(rnd)],
    ['Message-ID', `<${id}>`],
    ['MIME-Version', '1.0'],
  ];
  let body: string;
  const shape = rnd.int(0, 2);
  if (shape === 0) body = `${headers([...head, ['Content-Type', 'text/plain; charset=utf-8']])}\n\n${text}`;
  else if (shape === 1) {
    const html = `<div dir="ltr">${text.replace(/\n/g, '<br>').replace(/(https:\/\/\S+)/, '<a href="$1">the document</a>')}</div>`;
    body = `${headers([...head, ['Content-Type', 'multipart/alternative; boundary="b1"']])}\n\n--b1\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n${Buffer.from(text, 'latin1').toString('base64')}\n--b1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n${qp(html)}\n--b1--\n`;
  } else
    body = `${headers([...head, ['Content-Type', 'multipart/mixed; boundary="m1"']])}\n\n--m1\nContent-Type: text/plain; charset=utf-8\n\n${text}\n--m1\nContent-Type: application/pdf; name="notes.pdf"\nContent-Disposition: attachment; filename="notes.pdf"\nContent-Transfer-Encoding: base64\n\n${Buffer.from('%PDF-1.4 ' + words(rnd, 100)).toString('base64').replace(/.{76}/g, '$&\n')}\n--m1--\n`;
  return { raw: body, recipient: to, messageId: id, kind: 'personal' };
}

function rnd_subset<T>(rnd: Random, xs: T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** Quoted-printable (RFC 2045) with soft line breaks at 76 characters. */
export function qp(s: string): string {
  const enc = Buffer.from(s, 'utf8');
  let line = '';
  const lines: string[] = [];
  for (const b of enc) {
    const ch = b === 0x0a ? '\n' : (b >= 33 && b <= 126 && b !== 61) || b === 32 ? String.fromCharCode(b) : '=' + b.toString(16).toUpperCase().padStart(2, '0');
    if (ch === '\n') {
      lines.push(line);
      line = '';
      continue;
    }
    if (line.length + ch.length > 75) {
      lines.push(line + '=');
      line = '';
    }
    line += ch;
  }
  lines.push(line);
  return lines.join('\n');
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64').replace(/.{76}/g, '$&\n');
}

/** Messages as one mbox (From_ lines, ">From " quoting). */
export function toMbox(messages: { raw: string }[]): string {
  // Each message ends with a newline; one more makes the empty line before the next From_ line.
  return messages.map((m) => `From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n${m.raw.replace(/^(>*From )/gm, '>$1')}\n`).join('');
}

export { Random };
