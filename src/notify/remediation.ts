// Remediation tracking: after a victim's first notification, is it still seen, and when did it go
// quiet? Per owner, country and ASN: the share cleaned after 1, 7 and 30 days and the median time
// to clean. remediationSummary() returns plain data for `botcensus remediation` and the report.
import { countryName } from '../core/country-names.js';
import type { NotifiedVictim } from './outbox-store.js';
import type { Store } from '../store/store.js';
import { notifyStore } from './outbox-sql.js';
import { latestSighting } from '../census/victim-counts.js';

const DAY = 86_400_000;
export const CLEAN_DAYS = [1, 7, 30] as const;

export const REMEDIATION_RULE =
  'n = time of the victim\'s first sent notification; "at" = reference time (default: latest sighting). ' +
  'Cleaned after N days: at >= n + N days and no sighting in (n + N days, at]; victims with at < n + N days are left out of that share. ' +
  'Cleaned: no sighting in the last quiet period before "at" (default 1 day). ' +
  'Time to clean: last sighting after n (or n if none) minus n; the median is over cleaned victims (mean of the two middle values for an even count).';

export interface RemediationOptions {
  /** Reference time, epoch ms (default: the latest sighting in the store, i.e. how far telemetry goes). */
  at?: number;
  /** Quiet time before `at` for a victim to count as cleaned (default 1 day). */
  quietDays?: number;
}

export interface VictimRemediation extends NotifiedVictim {
  /** Seen after its notification. */
  seenAfter: boolean;
  cleaned: boolean;
  /** For cleaned victims: the point from which no sighting follows. */
  cleanedAt?: Date;
  daysToClean?: number;
  /** Cleaned after 1, 7, 30 days: null while at < notifiedAt + N days. */
  after: Record<(typeof CLEAN_DAYS)[number], boolean | null>;
}

export interface CleanShare {
  days: number;
  /** Victims notified at least `days` before the reference time. */
  eligible: number;
  cleaned: number;
  /** cleaned / eligible, or null when none is eligible. */
  share: number | null;
}

export interface RemediationGroup {
  key: string;
  label: string;
  notified: number;
  seenAfter: number;
  cleaned: number;
  after: CleanShare[];
  medianDaysToClean: number | null;
}

export interface RemediationSummary {
  at: Date;
  quietDays: number;
  rule: string;
  total: RemediationGroup;
  byOwner: RemediationGroup[];
  byCountry: RemediationGroup[];
  byAsn: RemediationGroup[];
}

export function assess(v: NotifiedVictim, at: number, quietDays = 1): VictimRemediation {
  const n = v.notifiedAt.getTime();
  const last = v.lastSeenAfter?.getTime() ?? n;
  const cleaned = at - last >= quietDays * DAY;
  const after = {} as VictimRemediation['after'];
  for (const d of CLEAN_DAYS) after[d] = at < n + d * DAY ? null : last <= n + d * DAY;
  return {
    ...v,
    seenAfter: v.lastSeenAfter !== undefined,
    cleaned,
    cleanedAt: cleaned ? new Date(last) : undefined,
    daysToClean: cleaned ? (last - n) / DAY : undefined,
    after,
  };
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function group(key: string, label: string, vs: VictimRemediation[]): RemediationGroup {
  return {
    key,
    label,
    notified: vs.length,
    seenAfter: vs.filter((v) => v.seenAfter).length,
    cleaned: vs.filter((v) => v.cleaned).length,
    after: CLEAN_DAYS.map((days) => {
      const eligible = vs.filter((v) => v.after[days] !== null);
      const cleaned = eligible.filter((v) => v.after[days]).length;
      return { days, eligible: eligible.length, cleaned, share: eligible.length ? cleaned / eligible.length : null };
    }),
    medianDaysToClean: median(vs.filter((v) => v.cleaned).map((v) => v.daysToClean!)),
  };
}

function groupBy(vs: VictimRemediation[], keyOf: (v: VictimRemediation) => [string, string]): RemediationGroup[] {
  const m = new Map<string, { label: string; vs: VictimRemediation[] }>();
  for (const v of vs) {
    const [k, label] = keyOf(v);
    if (!m.has(k)) m.set(k, { label, vs: [] });
    m.get(k)!.vs.push(v);
  }
  return [...m.entries()].map(([k, g]) => group(k, g.label, g.vs)).sort((a, b) => b.notified - a.notified || a.key.localeCompare(b.key));
}

/** Pure: the summary of assessed victims. */
export function summarize(vs: VictimRemediation[], at: number, quietDays = 1): RemediationSummary {
  return {
    at: new Date(at),
    quietDays,
    rule: REMEDIATION_RULE,
    total: group('total', 'All notified victims', vs),
    byOwner: groupBy(vs, (v) => [v.owner, v.owner]),
    byCountry: groupBy(vs, (v) => (v.country ? [v.country, countryName(v.country)] : ['??', 'Unknown'])),
    byAsn: groupBy(vs, (v) => (v.asn === undefined ? ['??', 'Unknown'] : [String(v.asn), `AS${v.asn}${v.asOrg ? ' ' + v.asOrg : ''}`])),
  };
}

async function referenceTime(store: Store, o: RemediationOptions): Promise<number> {
  return o.at ?? (await latestSighting(store.driver)) ?? Date.now();
}

export async function remediationVictims(store: Store, o: RemediationOptions = {}): Promise<VictimRemediation[]> {
  const at = await referenceTime(store, o);
  return (await notifyStore(store).notifiedVictims(at)).map((v) => assess(v, at, o.quietDays ?? 1));
}

/** For `botcensus report`: the remediation figures as plain data. */
export async function remediationSummary(store: Store, o: RemediationOptions = {}): Promise<RemediationSummary> {
  const at = await referenceTime(store, o);
  const quiet = o.quietDays ?? 1;
  return summarize(await remediationVictims(store, { ...o, at }), at, quiet);
}
