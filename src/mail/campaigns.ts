// Campaigns: messages grouped by sender infrastructure (signing or envelope site and sending
// relay), each with its recipients, dates, beacon hosts and a verdict with the evidence.
//   tracking:  a per-recipient token (or the recipient's address) on a host that is neither the
//              sender's own nor a known mail-tracking service, together with deception or
//              evasion (links whose text names another site, no List-Unsubscribe, no signature
//              of the From domain); or any beacon host that is an indicator in the store.
//   marketing: beacons, but on the sender's own hosts or a known service (ordinary newsletters).
//   clean:     no beacon.
import { createHash } from 'node:crypto';
import type { MailCampaignRecord, MailMessageRecord, MailResourceRecord, MailVerdict } from '../store/mail.js';
import { REASONS } from './grade.js';
import { domainOf } from './parse.js';
import { findTokens, type TokenSlot } from './tokens.js';
import { trackingService } from './tracking-services.js';
import { hostOf, siteOf } from './urls.js';

/** What the store says about hosts: which are indicators. */
export type IndicatorHosts = Map<string, { indicator: string; source: string }>;

/** Senders and subjects a campaign lists at most. */
const SAMPLE = 20;

/** Messages must arrive grouped by infraKey (the store returns them so): one campaign per key. */
export function buildCampaigns(messages: MailMessageRecord[], resources: Map<string, MailResourceRecord[]>, indicators: IndicatorHosts): MailCampaignRecord[] {
  const out: MailCampaignRecord[] = [];
  let group: MailMessageRecord[] = [];
  for (const m of messages) {
    if (group.length && group[0]!.infraKey !== m.infraKey) {
      out.push(judge(group, resources, indicators));
      group = [];
    }
    group.push(m);
  }
  if (group.length) out.push(judge(group, resources, indicators));
  return out;
}

/**
 * Campaigns that share a beacon host are one operation seen from several sender infrastructures:
 * each gets a line naming the others, and one that shares a beacon host with a tracking campaign
 * is tracking too (the same tracker, sent from a domain that looked like the sender's own).
 */
export function linkCampaigns(campaigns: MailCampaignRecord[]): void {
  const byHost = new Map<string, MailCampaignRecord[]>();
  for (const c of campaigns)
    for (const h of c.beaconHosts) {
      const same = byHost.get(h);
      if (same) same.push(c);
      else byHost.set(h, [c]);
    }
  // Verdicts as judged alone: linking must not depend on the order campaigns come in.
  const alone = new Map(campaigns.map((c) => [c.id, c.verdict]));
  for (const [host, cs] of byHost) {
    if (cs.length < 2) continue;
    for (const c of cs) {
      const others = cs.filter((o) => o !== c);
      c.evidence.push(`beacon host ${host} is also in campaign${others.length > 1 ? 's' : ''} ${others.map((o) => `${o.id} (${alone.get(o.id)})`).join(', ')}`);
      const tracker = others.find((o) => alone.get(o.id) === 'tracking');
      if (c.verdict !== 'tracking' && tracker) {
        c.verdict = 'tracking';
        c.evidence.push(`tracking: shares beacon host ${host} with tracking campaign ${tracker.id}`);
      }
    }
  }
}

/** Every host a campaign's resources name, innermost and wrappers: the ones to ask the store about. */
export function allHosts(resources: Iterable<MailResourceRecord>): string[] {
  const hosts = new Set<string>();
  for (const r of resources) for (const u of r.chain) hosts.add(hostOf(u));
  hosts.delete('');
  return [...hosts];
}

function judge(msgs: MailMessageRecord[], resources: Map<string, MailResourceRecord[]>, indicators: IndicatorHosts): MailCampaignRecord {
  const res = (m: MailMessageRecord) => resources.get(m.sha256) ?? [];
  const evidence: string[] = [];
  const senderSites = new Set<string>([msgs[0]!.infraKey.split('|')[0]!]);
  for (const m of msgs) {
    if (m.fromAddress) senderSites.add(siteOf(domainOf(m.fromAddress)));
    if (m.envelopeFrom) senderSites.add(siteOf(domainOf(m.envelopeFrom)));
    for (const d of m.dkimDomains) senderSites.add(siteOf(d));
  }
  senderSites.delete('');

  // Per-recipient tokens, within each template (messages otherwise alike).
  const byTemplate = new Map<string, MailMessageRecord[]>();
  for (const m of msgs) {
    const same = byTemplate.get(m.template);
    if (same) same.push(m);
    else byTemplate.set(m.template, [m]);
  }
  const slots: TokenSlot[] = [];
  const tokenHosts = new Set<string>();
  for (const t of byTemplate.values()) {
    const found = findTokens(t.map((m) => ({ message: m.sha256, recipients: m.recipients, urls: res(m).flatMap((r) => r.chain) })));
    slots.push(...found.slots);
    for (const s of found.slots) tokenHosts.add(s.host);
  }
  for (const s of mergeSlots(slots).slice(0, 5))
    evidence.push(`per-recipient token in ${s.where} of ${s.host}: ${s.recipients} recipients, ${s.values} distinct values (e.g. ${s.example})`);

  const count = (pred: (r: MailResourceRecord) => boolean) => {
    const hosts = new Map<string, number>();
    for (const m of msgs) for (const h of new Set(res(m).filter(pred).map((r) => r.host))) hosts.set(h, (hosts.get(h) ?? 0) + 1);
    return hosts;
  };
  const has = (prefix: string) => (r: MailResourceRecord) => r.reasons.some((x) => x === prefix || x.startsWith(prefix + ':'));
  const addressHosts = count(has(REASONS.recipient));
  const pixelHosts = count((r) => has(REASONS.pixel)(r) || has(REASONS.hidden)(r));
  const serviceHosts = new Map<string, number>();
  for (const m of msgs) {
    const hs = new Set(res(m).flatMap((r) => r.chain.map(hostOf)).filter((h) => trackingService(h)));
    for (const h of hs) serviceHosts.set(h, (serviceHosts.get(h) ?? 0) + 1);
  }
  for (const [h, n] of addressHosts) {
    tokenHosts.add(h);
    evidence.push(`the recipient's address is in URLs on ${h} (${n} messages)`);
  }
  for (const [h, n] of collapse(pixelHosts)) evidence.push(`1x1 or hidden image/frame from ${h} (${n} messages)`);
  const services = new Map<string, number>();
  for (const [h, n] of serviceHosts) {
    const svc = trackingService(h)!;
    const k = `${svc.service} (${svc.domain})`;
    services.set(k, (services.get(k) ?? 0) + n);
  }
  for (const [k, n] of services) evidence.push(`known mail-tracking service ${k} (${n} messages)`);

  const hosts = new Set<string>();
  for (const m of msgs) for (const r of res(m)) for (const u of r.chain) hosts.add(hostOf(u));
  const hits = [...hosts].filter((h) => indicators.has(h));
  for (const h of hits) evidence.push(`${h} is an indicator in the store (${indicators.get(h)!.indicator}, source ${indicators.get(h)!.source})`);

  const covert = [...tokenHosts].filter((h) => !senderSites.has(siteOf(h)) && !trackingService(h));
  for (const h of covert) evidence.push(`token host ${h} is neither the sender's (${[...senderSites].join(', ')}) nor a known mail-tracking service`);
  let mismatched = 0;
  const named = new Map<string, number>();
  for (const m of msgs) {
    const mm = res(m).flatMap((r) => r.reasons.filter((x) => x.startsWith(REASONS.mismatch + ':')).map((x) => `${x.slice(REASONS.mismatch.length + 1)} -> ${siteOf(r.host)}`));
    if (mm.length) mismatched++;
    for (const x of new Set(mm)) named.set(x, (named.get(x) ?? 0) + 1);
  }
  for (const [x, n] of [...named].sort((a, b) => b[1] - a[1]).slice(0, 5)) evidence.push(`link text names ${x.replace(' -> ', ' but leads to ')} (${n} messages)`);
  const unsubscribe = msgs.filter((m) => m.listUnsubscribe).length;
  const noUnsubscribe = unsubscribe * 2 < msgs.length;
  const signed = msgs.filter((m) => m.fromAddress && m.dkimDomains.some((d) => siteOf(d) === siteOf(domainOf(m.fromAddress!)))).length;
  const unsigned = signed * 2 < msgs.length;
  const tracked = tokenHosts.size > 0 || pixelHosts.size > 0 || serviceHosts.size > 0;
  if (tracked && noUnsubscribe) evidence.push(`no List-Unsubscribe header (${msgs.length - unsubscribe} of ${msgs.length} messages)`);
  if (tracked && unsigned) evidence.push(`not signed by the From domain (${msgs.length - signed} of ${msgs.length} messages)`);

  let verdict: MailVerdict = 'clean';
  if (hits.length || (covert.length && (mismatched > 0 || noUnsubscribe || unsigned))) verdict = 'tracking';
  else if (tracked) verdict = 'marketing';

  const beacon = outermost([...tokenHosts, ...pixelHosts.keys(), ...hits].filter((h) => !trackingService(h)));
  const recipients = [...new Set(msgs.flatMap((m) => m.recipients))].sort();
  const dates = msgs.map((m) => m.date).filter((d): d is number => d !== undefined);
  return {
    id: createHash('sha256').update(msgs[0]!.infraKey).digest('hex').slice(0, 12),
    infraKey: msgs[0]!.infraKey,
    verdict,
    evidence,
    messages: msgs.length,
    recipients,
    organisations: [...new Set(recipients.map((r) => siteOf(domainOf(r))))].sort(),
    firstDate: dates.length ? dates.reduce((a, b) => Math.min(a, b)) : undefined,
    lastDate: dates.length ? dates.reduce((a, b) => Math.max(a, b)) : undefined,
    beaconHosts: beacon,
    serviceHosts: [...serviceHosts.keys()].sort(),
    senders: [...new Set(msgs.map((m) => m.fromAddress).filter((a): a is string => !!a))].slice(0, SAMPLE),
    subjects: [...new Set(msgs.map((m) => m.subject))].slice(0, SAMPLE),
  };
}

/** The same slot found in several templates (issues of one newsletter) as one finding. */
function mergeSlots(slots: TokenSlot[]): TokenSlot[] {
  const merged = new Map<string, TokenSlot>();
  for (const s of slots) {
    const k = `${s.host}#${s.where}`;
    const m = merged.get(k);
    if (!m) merged.set(k, { ...s });
    else {
      m.recipients = Math.max(m.recipients, s.recipients);
      m.values += s.values;
    }
  }
  return [...merged.values()].sort((a, b) => b.recipients - a.recipients || b.values - a.values || (a.host + a.where < b.host + b.where ? -1 : 1));
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
