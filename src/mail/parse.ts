// One message's bytes to the facts botcensus keeps (message.ts), parsed by postal-mime: MIME
// structure, base64 and quoted-printable, charsets, encoded words. A message that does not start
// with header fields, or that the parser refuses, is malformed: the caller reports it with its
// file and offset and goes on.
import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { BotcensusError } from '../core/errors.js';
import { gradeResources } from './grade.js';
import type { MessageFacts, Resource } from './message.js';
import type { RawMessage } from './sources.js';
import { htmlResources, textResources } from './resources.js';
import { templateOf } from './template.js';
import { siteOf } from './urls.js';

const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

export async function readMessage(raw: RawMessage): Promise<MessageFacts> {
  const firstLine = raw.bytes.subarray(0, 1000).toString('latin1').split('\n', 1)[0] ?? '';
  if (!FIELD_LINE.test(firstLine)) throw malformed(raw, 'does not start with a header field');
  let mail: Email;
  try {
    mail = await PostalMime.parse(raw.bytes, { attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    throw malformed(raw, (err as Error).message);
  }
  if (!mail.headers.some((h) => ['from', 'to', 'date', 'subject', 'message-id'].includes(h.key))) throw malformed(raw, 'no From, To, Date, Subject or Message-ID header');
  const header = (key: string) => mail.headers.filter((h) => h.key === key).map((h) => h.value);
  const from = mailboxes(mail.from ? [mail.from] : [])[0];
  const recipients = uniq(
    [...header('delivered-to'), ...header('x-original-to')].map((a) => bareAddress(a)).filter((a): a is string => !!a),
  );
  if (!recipients.length) recipients.push(...uniq(mailboxes([...(mail.to ?? []), ...(mail.cc ?? [])]).map((m) => m.address)));
  const envelopeFrom = bareAddress(mail.returnPath ?? header('return-path')[0] ?? '');
  const dkimDomains = uniq(header('dkim-signature').map(dkimDomain).filter((d): d is string => !!d));
  const fromSite = from ? siteOf(domainOf(from.address)) : undefined;
  const signer = dkimDomains.find((d) => siteOf(d) === fromSite) ?? dkimDomains[0];
  const authDomain = signer ? siteOf(signer) : envelopeFrom ? siteOf(domainOf(envelopeFrom)) : (fromSite ?? '');
  const relay = originRelay(header('received'));

  const resources: Resource[] = [];
  let visible = '';
  if (mail.html) {
    const h = htmlResources(mail.html);
    resources.push(...h.resources);
    visible = h.text;
  }
  if (mail.text) {
    // The plain-text alternative mostly repeats the HTML's links: each URL is kept once, as the HTML has it.
    const seen = new Set(resources.map((r) => r.chain[0]));
    resources.push(...textResources(mail.text).filter((r) => !seen.has(r.chain[0])));
    if (!visible) visible = mail.text;
  }
  gradeResources(resources, recipients);
  const date = mail.date ? Date.parse(mail.date) : NaN;
  return {
    sha256: createHash('sha256').update(raw.bytes).digest('hex'),
    file: raw.file,
    offset: raw.offset,
    messageId: mail.messageId?.replace(/^<|>$/g, ''),
    date: Number.isFinite(date) ? date : undefined,
    subject: mail.subject ?? '',
    fromAddress: from?.address,
    fromName: from?.name || undefined,
    envelopeFrom,
    dkimDomains,
    relay,
    recipients,
    listId: header('list-id')[0]?.trim(),
    listUnsubscribe: header('list-unsubscribe').length > 0,
    infraKey: `${authDomain}|${relay ?? ''}`,
    template: templateOf(`${mail.subject ?? ''}\n${visible}`, recipients, mailboxes([...(mail.to ?? []), ...(mail.cc ?? [])]).map((m) => m.name)),
    resources,
  };
}

function malformed(raw: RawMessage, reason: string): BotcensusError {
  return new BotcensusError('BAD_INPUT', `malformed message at byte ${raw.offset}: ${reason}`, { file: raw.file });
}

function mailboxes(list: Address[]): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  for (const a of list) {
    if (a.group) out.push(...a.group.map((m) => ({ name: m.name, address: m.address.toLowerCase() })));
    else if (a.address) out.push({ name: a.name, address: a.address.toLowerCase() });
  }
  return out.filter((m) => m.address.includes('@'));
}

function bareAddress(v: string): string | undefined {
  const m = /<?\s*([^<>\s@]+@[^<>\s@]+?)\s*>?\s*$/.exec(v.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function dkimDomain(sig: string): string | undefined {
  const m = /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(sig);
  return m ? m[1]!.toLowerCase() : undefined;
}

/**
 * The sending side of the Received chain: the earliest hop (the bottom header) whose sender is a
 * public address, as its /24 (IPv4) or /48 (IPv6); failing that, the site of the earliest
 * sending host name. Hops inside the sender's own network (private addresses) are passed over.
 */
export function originRelay(received: string[]): string | undefined {
  let name: string | undefined;
  for (let i = received.length - 1; i >= 0; i--) {
    const r = received[i]!;
    const ip = /\[(?:IPv6:)?([0-9a-f:.]+)\]/i.exec(r)?.[1];
    if (ip && !isPrivate(ip)) return prefixOf(ip);
    const host = /^\s*from\s+([a-z0-9.-]+\.[a-z]{2,})/i.exec(r)?.[1];
    if (!name && host) name = siteOf(host.toLowerCase());
  }
  return name;
}

function prefixOf(ip: string): string {
  if (ip.includes(':')) return ip.toLowerCase().split(':').slice(0, 3).join(':') + '::/48';
  return ip.split('.').slice(0, 3).join('.') + '.0/24';
}

function isPrivate(ip: string): boolean {
  if (ip.includes(':')) return /^(::1$|f[cd]|fe80)/i.test(ip);
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
