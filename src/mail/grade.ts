// Grading one message's resources as beacons, each with its reason. What needs several messages
// (a token unique per recipient) and the store (indicator hosts) is judged per campaign
// (campaigns.ts); this is what one message shows by itself.
import { createHash } from 'node:crypto';
import type { Resource } from './message.js';
import { trackingService } from './tracking-services.js';
import { base64Text, cleanUrl, safeDecode, siteOf } from './urls.js';

/** Reasons a resource is a beacon; the ones with a colon carry a detail after it. */
export const REASONS = {
  pixel: 'pixel', // an image declared or styled 1x1 (or smaller)
  hidden: 'hidden', // an image, frame or stylesheet the reader cannot see
  service: 'known-service', // known-service:<name>: a host of a known mail-tracking service
  recipient: 'recipient-address', // the recipient's address, plain or encoded, is in the URL
  mismatch: 'mismatch', // mismatch:<site>: the link's visible text names another site
} as const;

export function gradeResources(resources: Resource[], recipients: string[]): void {
  const needles = recipientNeedles(recipients);
  for (const r of resources) {
    const reasons: string[] = [];
    if (r.kind === 'img' && isPixel(r)) reasons.push(REASONS.pixel);
    if (r.hidden) reasons.push(REASONS.hidden);
    const svc = r.chain.map((u) => trackingService(hostOfUrl(u))).find(Boolean);
    if (svc) reasons.push(`${REASONS.service}:${svc.service}`);
    if (needles.length && r.chain.some((u) => containsAny(u, needles))) reasons.push(REASONS.recipient);
    const named = r.kind === 'anchor' && r.text ? namedSite(r.text) : undefined;
    if (named && named !== siteOf(r.host)) reasons.push(`${REASONS.mismatch}:${named}`);
    r.reasons = reasons;
  }
}

function isPixel(r: Resource): boolean {
  const w = r.width;
  const h = r.height;
  if (w === undefined && h === undefined) return false;
  return (w === undefined || w <= 1) && (h === undefined || h <= 1);
}

/** The site a link's visible text names ("www.news.example/world", "https://news.example"), if it names one. */
export function namedSite(text: string): string | undefined {
  const t = text.trim();
  if (!/^(https?:\/\/)?([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?([/?#]\S*)?$/i.test(t)) return undefined;
  const u = cleanUrl(/^https?:/i.test(t) ? t : 'https://' + t);
  return u ? siteOf(u.hostname.toLowerCase()) : undefined;
}

/** Needles of the addresses met last: a mailbox's messages go to the same few addresses. */
const NEEDLES = new Map<string, string[]>();
const NEEDLES_KEPT = 10_000;

/** The recipient's address as trackers write it into URLs: plain, base64, hex, and hashed. */
function recipientNeedles(recipients: string[]): string[] {
  const out: string[] = [];
  for (const a of recipients) {
    const addr = a.toLowerCase();
    let needles = NEEDLES.get(addr);
    if (!needles) {
      if (NEEDLES.size >= NEEDLES_KEPT) NEEDLES.clear();
      const bytes = Buffer.from(addr);
      needles = [
        addr,
        bytes.toString('base64').replace(/=+$/, ''),
        bytes.toString('base64url'),
        bytes.toString('hex'),
        createHash('md5').update(addr).digest('hex'),
        createHash('sha1').update(addr).digest('hex'),
        createHash('sha256').update(addr).digest('hex'),
      ];
      NEEDLES.set(addr, needles);
    }
    out.push(...needles);
  }
  return out;
}

function containsAny(url: string, needles: string[]): boolean {
  const hay = [url, url.includes('%') ? safeDecode(url) : '', ...decodedParts(url)].map((s) => s.toLowerCase());
  // base64 is case-sensitive: compare it as written too.
  return needles.some((n) => hay.some((h) => h.includes(n.toLowerCase())) || url.includes(n));
}

/** Parameter values, path segments and host labels that are base64 of some text: that text. */
function decodedParts(url: string): string[] {
  const u = cleanUrl(url);
  if (!u) return [];
  const parts = [...u.searchParams.values(), ...u.pathname.split('/'), ...u.hostname.split('.')].filter((p) => p.length >= 12);
  return parts.map((p) => base64Text(p)).filter((t): t is string => t !== undefined);
}

function hostOfUrl(u: string): string {
  return cleanUrl(u)?.hostname ?? '';
}
