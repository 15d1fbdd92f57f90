// Notification planning: each victim goes to its most specific owner (the store's owner match),
// victims with no owner are grouped by AS organisation as "no contact", and per owner and channel
// the victims that are due make one message. Nothing is written: `notify plan` shows this as is.
import type { NotifyChannel, PriorReport } from './outbox-store.js';
import type { Owner, Store } from '../store/store.js';
import { buildEmail, buildWebhook } from './messages.js';
import type { DueReason, NotifyPlan, OwnerPlan, PlannedVictim } from './types.js';
import { currentOwners } from './owners-sql.js';
import { notifyStore } from './outbox-sql.js';
import { victims } from '../census/victims.js';

const DAY = 86_400_000;

export interface PlanOptions {
  /** Only victims with sightings at or after this time (epoch ms). */
  since?: number;
  /** The planning time (epoch ms): default now. */
  now?: number;
  /** From: address of emails. */
  from?: string;
  /** Who signs the texts. */
  sender?: string;
}

/**
 * The no-spam rule. A victim already reported to this owner on this channel is reported again
 * only when it was seen after the evidence already reported (new evidence), or when the last
 * report is at least interval_days old.
 */
export function dueReason(v: PlannedVictim, prior: PriorReport | undefined, intervalDays: number, now: number): DueReason {
  if (!prior) return 'new';
  if (v.lastSeen.getTime() > prior.evidenceUntil.getTime()) return 'new-evidence';
  if (now - prior.lastNotifiedAt.getTime() >= intervalDays * DAY) return 'interval-elapsed';
  return 'reported';
}

export function channelsOf(o: Owner): NotifyChannel[] {
  return [...(o.emails.length ? (['email'] as const) : []), ...(o.webhookUrl ? (['webhook'] as const) : [])];
}

export async function planNotifications(store: Store, o: PlanOptions = {}): Promise<NotifyPlan> {
  const now = o.now ?? Date.now();
  // One after the other: they share one database connection.
  const owners = await currentOwners(store.driver);
  const listed = await victims(store, { from: o.since, to: now, limit: 1_000_000_000 });
  const reports = await notifyStore(store).reportFields(o.since);
  const evidence = await notifyStore(store).evidence(o.since);
  const prior = await notifyStore(store).priorReports();
  const ownerByName = new Map<string, Owner>(owners.map((x) => [x.name, x]));
  const reportByIp = new Map(reports.map((r) => [r.ip, r]));
  const evidenceByIp = new Map<string, typeof evidence>();
  for (const e of evidence) {
    if (!evidenceByIp.has(e.ip)) evidenceByIp.set(e.ip, []);
    evidenceByIp.get(e.ip)!.push(e);
  }
  const priorByKey = new Map(prior.map((p) => [`${p.owner}\n${p.channel}\n${p.ip}`, p]));

  const groups = new Map<string, OwnerPlan>();
  // A victim on a warninglist is not counted by the census, and not reported either.
  for (const v of listed.filter((x) => x.warnings.length === 0)) {
    const entry = v.owner === undefined ? undefined : ownerByName.get(v.owner);
    const name = entry?.name ?? (v.asn === undefined ? 'Unknown network' : `AS${v.asn}${v.asOrg ? ' ' + v.asOrg : ''}`);
    let g = groups.get(name);
    if (!g) {
      g = { owner: name, contact: entry !== undefined && channelsOf(entry).length > 0, entry, victims: [], messages: [] };
      if (!entry) Object.assign(g, { asn: v.asn, asOrg: v.asOrg });
      groups.set(name, g);
    }
    const pv: PlannedVictim = {
      ip: v.ip,
      asn: v.asn,
      asOrg: v.asOrg,
      country: v.country,
      firstSeen: v.firstSeen,
      lastSeen: v.lastSeen,
      events: v.events,
      // Sorted: the store lists them in no fixed order, and the message must not change with it.
      families: [...v.families].sort(),
      indicators: [...v.indicators].sort(),
      kinds: [...v.kinds].sort(),
      grade: v.grade,
      deviceId: v.deviceId,
      report: reportByIp.get(v.ip),
      evidence: evidenceByIp.get(v.ip) ?? [],
      due: {},
    };
    if (entry) for (const ch of channelsOf(entry)) pv.due[ch] = dueReason(pv, priorByKey.get(`${entry.name}\n${ch}\n${v.ip}`), entry.intervalDays, now);
    g.victims.push(pv);
  }

  for (const g of groups.values()) {
    if (!g.entry) continue;
    for (const ch of channelsOf(g.entry)) {
      const due = g.victims.filter((v) => v.due[ch] !== 'reported');
      if (!due.length) continue;
      const opts = { from: o.from, sender: o.sender, now };
      g.messages.push(ch === 'email' ? buildEmail(g.entry, due, opts) : buildWebhook(g.entry, due, opts));
    }
  }
  const ordered = [...groups.values()].sort((a, b) => Number(b.contact) - Number(a.contact) || a.owner.localeCompare(b.owner));
  return { generatedAt: new Date(now), since: o.since === undefined ? undefined : new Date(o.since), owners: ordered };
}
