// Campaigns: messages grouped by sender infrastructure (signing or envelope site and sending
// relay), each with its recipients, dates, beacon hosts and a verdict with the evidence.
//   tracking:  a per-recipient token (or the recipient's address) on a host that is neither the
//              sender's own nor a known mail-tracking service, together with deception or
//              evasion (links whose text names another site, no List-Unsubscribe, no signature
//              of the From domain); or any beacon host that is an indicator in the store.
//   marketing: beacons, but on the sender's own hosts or a known service (ordinary newsletters).
//   clean:     no beacon.
// A campaign is judged by judge.ts, reading its messages one at a time; campaigns are linked here.
import type { MailCampaignRecord } from './records.js';

/** What the store says about hosts: which are indicators. */
export type IndicatorHosts = Map<string, { indicator: string; source: string }>;

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
