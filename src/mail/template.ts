// The template of a message: its subject and visible text with the personal parts taken out, so
// look-alike messages to different recipients hash alike and unrelated mail does not.
import { createHash } from 'node:crypto';

export function templateOf(text: string, recipients: string[], names: string[]): string {
  let t = text.toLowerCase();
  for (const a of recipients) {
    t = t.split(a).join(' ');
    const local = a.slice(0, a.indexOf('@'));
    if (local.length >= 3) t = t.split(local).join(' ');
  }
  for (const n of names) for (const w of n.toLowerCase().split(/\s+/)) if (w.length >= 3) t = t.split(w).join(' ');
  t = t
    .replace(/\bhttps?:\/\/\S+/g, ' ')
    .replace(/[a-z0-9_-]*\d[a-z0-9_-]*/g, ' ') // tokens, numbers, dates
    .replace(/[a-z0-9+/_-]{20,}/g, ' ') // long opaque strings
    .replace(/\s+/g, ' ')
    .trim();
  return createHash('sha256').update(t).digest('hex').slice(0, 16);
}
