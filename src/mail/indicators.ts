// The beacon hosts of tracking campaigns as indicators: exported for other tools (STIX 2.1, MISP,
// a plain list, botcensus CSV), or imported into the store as an intel source so flows, DNS and
// proxy logs show which readers' clients loaded them.
import type { IndicatorRecord } from '../core/model/indicator.js';
import { toIntelCsv } from '../intel/csv-export.js';
import { toMispEvent } from '../intel/misp-export.js';
import { makeIndicator, parseIndicator } from '../intel/normalize.js';
import { toStixBundle } from '../intel/stix-export.js';
import type { MailCampaignRecord } from './records.js';

export const MAIL_EXPORT_FORMATS = ['stix', 'misp', 'text', 'csv'] as const;
export type MailExportFormat = (typeof MAIL_EXPORT_FORMATS)[number];

/** One indicator per beacon host of each campaign (an address host as an ip, any other as a domain, which covers its subdomains). */
export function beaconIndicators(campaigns: MailCampaignRecord[]): IndicatorRecord[] {
  const out = new Map<string, IndicatorRecord>();
  for (const c of campaigns) {
    for (const host of c.beaconHosts) {
      const key = host.toLowerCase();
      const prev = out.get(key);
      if (prev) {
        prev.tags = [...new Set([...prev.tags, `mail-campaign:${c.id}`])];
        continue;
      }
      const core = parseIndicator(host.replace(/^\[|\]$/g, ''), 'host');
      out.set(
        key,
        makeIndicator(core, out.size + 1, {
          tags: ['mail-tracking', `mail-campaign:${c.id}`],
          category: 'mail-tracking',
          description: `beacon host of a mail tracking campaign from ${c.senders[0] ?? c.infraKey} to ${c.recipients.length} recipients`,
          // Readers load a beacon whenever they open the message, so the window opens with the campaign and stays open.
          firstSeen: c.firstDate,
        }),
      );
    }
  }
  return [...out.values()];
}

export function exportBeacons(indicators: IndicatorRecord[], format: MailExportFormat): string {
  switch (format) {
    case 'stix':
      return JSON.stringify(toStixBundle(indicators), null, 2) + '\n';
    case 'misp':
      return JSON.stringify(toMispEvent(indicators, { info: 'botcensus: beacon hosts of mail tracking campaigns' }), null, 2) + '\n';
    case 'text':
      return indicators.map((i) => i.value + '\n').join('');
    case 'csv':
      return toIntelCsv(indicators);
  }
}
