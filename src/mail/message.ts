// What botcensus keeps of a message (the store's record: who sent it through what, to whom, what
// it looks like with the personal parts taken out) and every remote resource in it. Nothing a
// message points to is ever fetched: all of it is read from the message's own bytes.
import type { MailMessageRecord, MailResourceKind, MailResourceRecord } from './records.js';

/**
 * img: <img src>, <input type=image>; css: url() and @import in style attributes and <style>;
 * link: <link href>; iframe: <iframe>/<frame>/<embed>/<object>; background: the background
 * attribute, <video poster>, media sources; anchor: <a>/<area> href; text: a URL in plain text.
 */
export type ResourceKind = MailResourceKind;

/** A remote resource a mail client may load, or a reader may click. */
export type Resource = Omit<MailResourceRecord, 'message'>;

export interface MessageFacts extends MailMessageRecord {
  resources: Resource[];
}
