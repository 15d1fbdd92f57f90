// Judging one campaign (see campaigns.ts for the verdicts) from its messages read one at a time,
// grouped by template: what is held is per host, site, recipient and token slot, never per
// message, so a campaign of any size is judged in memory bounded by its infrastructure and its
// largest template. Evidence lists things in the order the campaign's messages show them when
// taken by date (first-seen.ts), whatever the order they are read in.
import { createHash } from 'node:crypto';
import type { MailCampaignRecord, MailMessageRecord, MailResourceRecord, MailVerdict } from './records.js';
import type { IndicatorHosts } from './campaigns.js';
import { comparePos, FIRST, FirstDistinct, FirstSeen, posOf, type Pos } from './first-seen.js';
import { REASONS } from './grade.js';
import { domainOf } from './parse.js';
import { TemplateTokens, type TokenSlot } from './tokens.js';
import { trackingService } from './tracking-services.js';
import { hostOf, siteOf } from './urls.js';

/** Senders and subjects a campaign lists at most. */
const SAMPLE = 20;

/** A token slot's place: its template's first message, then where the slot was first met in it. */
type SlotPos = [Pos, Pos];
const compareSlotPos = (a: SlotPos, b: SlotPos) => comparePos(a[0], b[0]) || comparePos(a[1], b[1]);

export class CampaignJudge {
  private readonly senderSites = new FirstSeen<string>();
  private template: { key: string; tokens: TemplateTokens; first: Pos } | undefined;
  /** Token slots merged over templates (issues of one newsletter), by host and place. */
  private readonly slots = new Map<string, { slot: TokenSlot; pos: SlotPos }>();
  private readonly tokenHosts = new Map<string, SlotPos>();
  private readonly addressHosts = new FirstSeen<string>();
  private readonly pixelHosts = new FirstSeen<string>();
  private readonly serviceHosts = new FirstSeen<string>();
  private readonly named = new FirstSeen<string>();
  /** Hosts not yet asked about (see checkHosts), and the ones found to be indicators. */
  private unchecked = new Map<string, Pos>();
  private readonly hits = new Map<string, { pos: Pos; indicator: string; source: string }>();
  private readonly recipients = new Set<string>();
  private readonly senders = new FirstDistinct(SAMPLE);
  private readonly subjects = new FirstDistinct(SAMPLE);
  private messages = 0;
  private mismatched = 0;
  private unsubscribe = 0;
  private signed = 0;
  private firstDate: number | undefined;
  private lastDate: number | undefined;

  constructor(readonly infraKey: string) {
    this.senderSites.add(infraKey.split('|')[0]!, FIRST);
  }

  /** Hosts met that the store has not been asked about yet. */
  get uncheckedHosts(): number {
    return this.unchecked.size;
  }

  /** One message of the campaign and its resources. Messages must come grouped by template. */
  add(m: MailMessageRecord, resources: MailResourceRecord[]): void {
    if (m.infraKey !== this.infraKey) throw new Error(`message of ${m.infraKey} given to the campaign of ${this.infraKey}`);
    const pos = (at: number) => posOf(m, at);
    this.messages++;
    if (m.date !== undefined) {
      this.firstDate = this.firstDate === undefined ? m.date : Math.min(this.firstDate, m.date);
      this.lastDate = this.lastDate === undefined ? m.date : Math.max(this.lastDate, m.date);
    }
    let at = 0;
    for (const a of [m.fromAddress, m.envelopeFrom]) if (a) this.senderSites.add(siteOf(domainOf(a)), pos(at++));
    for (const d of m.dkimDomains) this.senderSites.add(siteOf(d), pos(at++));
    for (const r of m.recipients) this.recipients.add(r);
    if (m.fromAddress) this.senders.add(m.fromAddress, pos(0));
    this.subjects.add(m.subject, pos(0));
    if (m.listUnsubscribe) this.unsubscribe++;
    if (m.fromAddress && m.dkimDomains.some((d) => siteOf(d) === siteOf(domainOf(m.fromAddress!)))) this.signed++;

    this.addTemplate(m, resources);
    const has = (prefix: string) => (r: MailResourceRecord) => r.reasons.some((x) => x === prefix || x.startsWith(prefix + ':'));
    const once = (into: FirstSeen<string>, pred: (r: MailResourceRecord) => boolean) => {
      const seen = new Set<string>();
      resources.forEach((r, i) => {
        if (!pred(r) || seen.has(r.host)) return;
        seen.add(r.host);
        into.add(r.host, pos(i));
      });
    };
    once(this.addressHosts, has(REASONS.recipient));
    once(this.pixelHosts, (r) => has(REASONS.pixel)(r) || has(REASONS.hidden)(r));
    const services = new Set<string>();
    const mismatches = new Set<string>();
    at = 0;
    resources.forEach((r) => {
      for (const u of r.chain) {
        const h = hostOf(u);
        const p = pos(at++);
        if (trackingService(h) && !services.has(h)) {
          services.add(h);
          this.serviceHosts.add(h, p);
        }
        const had = this.unchecked.get(h);
        if (h && (!had || comparePos(p, had) < 0)) this.unchecked.set(h, p);
      }
      for (const x of r.reasons)
        if (x.startsWith(REASONS.mismatch + ':')) {
          const k = `${x.slice(REASONS.mismatch.length + 1)} -> ${siteOf(r.host)}`;
          if (mismatches.has(k)) continue;
          mismatches.add(k);
          this.named.add(k, pos(at++));
        }
    });
    if (mismatches.size) this.mismatched++;
  }

  /** Asks the store which hosts met so far are indicators, and keeps those. */
  async checkHosts(lookup: (hosts: string[]) => Promise<IndicatorHosts>): Promise<void> {
    if (!this.unchecked.size) return;
    const asked = this.unchecked;
    this.unchecked = new Map();
    for (const [h, hit] of await lookup([...asked.keys()])) {
      const pos = asked.get(h)!;
      const had = this.hits.get(h);
      if (!had || comparePos(pos, had.pos) < 0) this.hits.set(h, { pos, ...hit });
    }
  }

  /** The campaign and its verdict; call checkHosts first. */
  finish(): MailCampaignRecord {
    this.endTemplate();
    const evidence: string[] = [];
    const senderSites = new Set(this.senderSites.keys());
    senderSites.delete('');
    const slots = [...this.slots.values()].map((s) => s.slot);
    slots.sort((a, b) => b.recipients - a.recipients || b.values - a.values || (a.host + a.where < b.host + b.where ? -1 : 1));
    for (const s of slots.slice(0, 5)) evidence.push(`per-recipient token in ${s.where} of ${s.host}: ${s.recipients} recipients, ${s.values} distinct values (e.g. ${s.example})`);

    const tokenHosts = new Set([...this.tokenHosts].sort((a, b) => compareSlotPos(a[1], b[1])).map(([h]) => h));
    for (const [h, n] of this.addressHosts.entries()) {
      tokenHosts.add(h);
      evidence.push(`the recipient's address is in URLs on ${h} (${n} messages)`);
    }
    const pixelHosts = new Map(this.pixelHosts.entries());
    for (const [h, n] of collapse(pixelHosts)) evidence.push(`1x1 or hidden image/frame from ${h} (${n} messages)`);
    const services = new Map<string, number>();
    for (const [h, n] of this.serviceHosts.entries()) {
      const svc = trackingService(h)!;
      const k = `${svc.service} (${svc.domain})`;
      services.set(k, (services.get(k) ?? 0) + n);
    }
    for (const [k, n] of services) evidence.push(`known mail-tracking service ${k} (${n} messages)`);
    const hits = [...this.hits].sort((a, b) => comparePos(a[1].pos, b[1].pos));
    for (const [h, i] of hits) evidence.push(`${h} is an indicator in the store (${i.indicator}, source ${i.source})`);

    const covert = [...tokenHosts].filter((h) => !senderSites.has(siteOf(h)) && !trackingService(h));
    for (const h of covert) evidence.push(`token host ${h} is neither the sender's (${[...senderSites].join(', ')}) nor a known mail-tracking service`);
    const named = this.named.entries().sort((a, b) => b[1] - a[1]);
    for (const [x, n] of named.slice(0, 5)) evidence.push(`link text names ${x.replace(' -> ', ' but leads to ')} (${n} messages)`);
    const total = this.messages;
    const noUnsubscribe = this.unsubscribe * 2 < total;
    const unsigned = this.signed * 2 < total;
    const tracked = tokenHosts.size > 0 || pixelHosts.size > 0 || this.serviceHosts.size > 0;
    if (tracked && noUnsubscribe) evidence.push(`no List-Unsubscribe header (${total - this.unsubscribe} of ${total} messages)`);
    if (tracked && unsigned) evidence.push(`not signed by the From domain (${total - this.signed} of ${total} messages)`);

    let verdict: MailVerdict = 'clean';
    if (hits.length || (covert.length && (this.mismatched > 0 || noUnsubscribe || unsigned))) verdict = 'tracking';
    else if (tracked) verdict = 'marketing';

    const beacon = outermost([...tokenHosts, ...pixelHosts.keys(), ...hits.map(([h]) => h)].filter((h) => !trackingService(h)));
    const recipients = [...this.recipients].sort();
    return {
      id: createHash('sha256').update(this.infraKey).digest('hex').slice(0, 12),
      infraKey: this.infraKey,
      verdict,
      evidence,
      messages: total,
      recipients,
      organisations: [...new Set(recipients.map((r) => siteOf(domainOf(r))))].sort(),
      firstDate: this.firstDate,
      lastDate: this.lastDate,
      beaconHosts: beacon,
      serviceHosts: this.serviceHosts.keys().sort(),
      senders: this.senders.values(),
      subjects: this.subjects.values(),
    };
  }

  /** Per-recipient tokens are looked for within each template (messages otherwise alike). */
  private addTemplate(m: MailMessageRecord, resources: MailResourceRecord[]): void {
    if (this.template && this.template.key !== m.template) {
      if (m.template < this.template.key) throw new Error(`messages of campaign ${this.infraKey} are not grouped by template`);
      this.endTemplate();
    }
    const first = posOf(m, 0);
    if (!this.template) this.template = { key: m.template, tokens: new TemplateTokens(), first };
    else if (comparePos(first, this.template.first) < 0) this.template.first = first;
    this.template.tokens.add({ recipients: m.recipients, urls: resources.flatMap((r) => r.chain) }, (at) => posOf(m, at));
  }

  private endTemplate(): void {
    if (!this.template) return;
    for (const { slot, pos } of this.template.tokens.slots()) {
      const at: SlotPos = [this.template.first, pos];
      const k = `${slot.host}#${slot.where}`;
      const merged = this.slots.get(k);
      if (!merged) this.slots.set(k, { slot: { ...slot }, pos: at });
      else {
        merged.slot.recipients = Math.max(merged.slot.recipients, slot.recipients);
        merged.slot.values += slot.values;
        if (compareSlotPos(at, merged.pos) < 0) Object.assign(merged, { pos: at, slot: { ...merged.slot, example: slot.example } });
      }
      const had = this.tokenHosts.get(slot.host);
      if (!had || compareSlotPos(at, had) < 0) this.tokenHosts.set(slot.host, at);
    }
    this.template = undefined;
  }
}

/** Host counts with the hosts of a site that has many (a token in the host name) shown as one "*.site". */
function collapse(hosts: Map<string, number>): Map<string, number> {
  const bySite = new Map<string, string[]>();
  for (const h of hosts.keys()) {
    const same = bySite.get(siteOf(h));
    if (same) same.push(h);
    else bySite.set(siteOf(h), [h]);
  }
  const out = new Map<string, number>();
  for (const [site, hs] of bySite) {
    if (hs.length <= 3) for (const h of hs) out.set(h, hosts.get(h)!);
    else out.set(`*.${site} (${hs.length} host names)`, hs.reduce((n, h) => n + hosts.get(h)!, 0));
  }
  return out;
}

/**
 * Beacon hosts as indicators: a name under another one listed is left out (a domain indicator
 * covers its subdomains), and a site with many host names (a token in the host name) is listed
 * as the site.
 */
function outermost(hosts: string[]): string[] {
  const bySite = new Map<string, Set<string>>();
  for (const h of hosts) bySite.set(siteOf(h), (bySite.get(siteOf(h)) ?? new Set()).add(h));
  const set = new Set<string>();
  for (const [site, hs] of bySite) for (const h of hs.size > 3 ? [site] : hs) set.add(h);
  return [...set].filter((h) => ![...set].some((o) => o !== h && h.endsWith('.' + o))).sort();
}
