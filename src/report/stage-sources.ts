// The report's optional sections, filled from the other stages: the device mix and exploited CVEs
// from identification, and remediation progress from notification.
import { remediationSummary } from '../notify/remediation.js';
import type { Store } from '../store/store.js';
import type { CveCount, DeviceCount, IdentificationScope, ReportSection, ReportSources } from './sources.js';
import { identifyStore } from '../identify/store.js';
import { census } from '../census/count.js';

const pctOrDash = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(0)}%`);

export function stageSources(store: Store): ReportSources {
  const byIdentity = (by: 'device-vendor' | 'cve', s: IdentificationScope) =>
    census(store, { by, measure: 'window', from: s.from, to: s.to, owner: s.owner, constituency: s.constituency, top: 1000 });
  return {
    identification: {
      async devices(s): Promise<DeviceCount[]> {
        const r = await byIdentity('device-vendor', s);
        const rows = r.rows.filter((x) => x.key !== 'unknown|unknown');
        return rows.map((x) => {
          const [type, vendor] = x.key.split('|') as [string, string];
          return { type, vendor: vendor === 'unknown' ? undefined : vendor, count: x.count };
        });
      },
      async cves(s): Promise<CveCount[]> {
        const r = await byIdentity('cve', s);
        const kev = new Map((await identifyStore(store).kevEntries()).map((e) => [e.cveID, e]));
        return r.rows
          .filter((x) => x.key !== 'none')
          .map((x) => {
            const e = kev.get(x.key);
            return {
              cve: x.key,
              vendor: e?.vendorProject,
              product: e?.product,
              victims: x.count,
              kev: e && { dateAdded: e.dateAdded, dueDate: e.dueDate, knownRansomwareUse: e.knownRansomwareCampaignUse, name: e.vulnerabilityName },
            };
          });
      },
    },
    async remediation({ owner, at }): Promise<ReportSection | undefined> {
      const r = await remediationSummary(store, { at });
      const groups = owner ? r.byOwner.filter((g) => g.key === owner) : [r.total, ...r.byOwner];
      if (!groups.length || groups.every((g) => g.notified === 0)) return undefined;
      return {
        id: 'remediation',
        title: 'Remediation after notification',
        paragraphs: [r.rule],
        table: {
          columns: ['Owner', 'Notified', 'Cleaned after 1 day', 'after 7 days', 'after 30 days', 'Median days to clean'],
          rows: groups.map((g) => [
            g.label,
            g.notified,
            ...[1, 7, 30].map((d) => pctOrDash(g.after.find((a) => a.days === d)?.share)),
            g.medianDaysToClean === null ? '–' : g.medianDaysToClean.toFixed(1),
          ]),
        },
      };
    },
  };
}
