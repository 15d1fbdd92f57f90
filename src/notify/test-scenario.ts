// Test support: a small world for the notify tests. Indicators, telemetry (flows, DNS, one
// Shadowserver-style report row) and a contact database over the test store's geo fixture:
// 192.0.3.0/25 = AS64500 Telecom A, 192.0.3.128/25 = AS64501 Cable B, 198.51.101.0/24 = AS64502
// Mobile C, 2001:db9::/32 = AS64503 with no owner entry.
import { parseIp } from '../core/ip.js';
import type { IndicatorRecord } from '../core/model/indicator.js';
import type { TelemetryRecord } from '../core/model/telemetry.js';
import type { ImportMeta, LineCounts, Owner, Store } from '../store/store.js';
import type { NotificationRow, NotifyChannel } from './outbox-store.js';
import type { Channel, DeliveryError } from './channel.js';
import { enrichVictims } from '../enrich/enrich.js';
import { importIntel, importTelemetry } from '../match/import.js';

const DAY = 86_400_000;
export const grace = { graceMs: DAY };
const ip = (s: string) => parseIp(s)!;
export const t = (s: string) => Date.parse(s);

const counts = (n: number): LineCounts => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });
let seq = 0;
const meta = (kind: ImportMeta['kind'], source?: string): ImportMeta => ({ kind, format: 'test', file: `sensor-${++seq}.log`, sha256: `h${seq}-${Math.random()}`, source });

export async function addIntel(store: Store): Promise<void> {
  const a = ip('203.0.113.10');
  const indicators: IndicatorRecord[] = [
    { type: 'ip', value: '203.0.113.10', lo: a, hi: a, tags: ['tier2'], forDetection: true, line: 1 },
    { type: 'domain', value: 'c2.example', domain: 'c2.example', tags: ['tier3'], forDetection: true, line: 2 },
  ];
  await importIntel(store, { meta: meta('intel', 'advisory'), counts: counts(2), indicators, warnings: [], family: 'raptor-train' }, grace);
}

export async function ingest(store: Store, records: TelemetryRecord[]): Promise<void> {
  records.forEach((r, i) => (r.line = i + 1));
  await importTelemetry(store, meta('telemetry'), async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, grace);
  await enrichVictims(store);
}

/** A flow from a victim to the C2 address at `ts` (ISO). */
export const c2flow = (src: string, ts: string): TelemetryRecord => ({ kind: 'flow', src: ip(src), dst: ip('203.0.113.10'), ts: t(ts), proto: 'tcp', bytes: 120 });
export const c2dns = (client: string, ts: string): TelemetryRecord => ({ kind: 'dns', client: ip(client), query: 'update.c2.example', ts: t(ts) });

export const report = (addr: string, ts: string): TelemetryRecord => ({
  kind: 'report',
  ip: ip(addr),
  ts: t(ts),
  port: 8291,
  hostname: 'cpe-22.telecom-a.example',
  reportType: 'event4_sinkhole',
  compromised: true,
  infection: 'mirai',
  family: 'mirai',
  tag: 'router',
  deviceVendor: 'MikroTik',
  deviceType: 'router',
  deviceModel: 'hAP',
  deviceVersion: '6.40',
  extra: {},
});

/** Victims of the standard world and their owners (most specific match). */
export const VICTIMS = {
  customer: '192.0.3.1', // Customer /28 beats Telecom A's ASN
  telecomFlow: '192.0.3.20',
  telecomDns: '192.0.3.21',
  telecomReport: '192.0.3.22',
  cable: '192.0.3.140', // owner entry without a channel
  mobile: '198.51.101.5', // webhook
  v6: '2001:db9::5', // no owner entry
};

export async function standardWorld(store: Store): Promise<void> {
  await addIntel(store);
  await ingest(store, [
    c2flow(VICTIMS.customer, '2024-06-10T10:00:00Z'),
    c2flow(VICTIMS.telecomFlow, '2024-06-10T11:00:00Z'),
    c2dns(VICTIMS.telecomDns, '2024-06-10T12:00:00Z'),
    report(VICTIMS.telecomReport, '2024-06-10T13:00:00Z'),
    c2flow(VICTIMS.cable, '2024-06-10T14:00:00Z'),
    c2flow(VICTIMS.mobile, '2024-06-10T15:00:00Z'),
    c2flow(VICTIMS.v6, '2024-06-10T16:00:00Z'),
  ]);
}

const base = { cidrs: [] as string[], asns: [] as number[], emails: [] as string[], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };

export function standardOwners(webhookUrl = 'http://127.0.0.1:9/hook'): Owner[] {
  return [
    { ...base, name: 'Example Telecom A', asns: [64500], emails: ['abuse@telecom-a.example', 'noc@telecom-a.example'] },
    { ...base, name: 'Customer, 192.0.3.0/28', cidrs: ['192.0.3.0/28'], emails: ['secu@client.example'], language: 'fr', format: 'csv-inline' },
    { ...base, name: 'Example Mobile C', asns: [64502], webhookUrl, webhookSecret: 'hook-secret', language: 'fr', intervalDays: 1, format: 'json' },
    { ...base, name: 'Example Cable B', asns: [64501] },
  ];
}

/** A channel that records what it is given; `fail` decides per call whether to throw instead. */
export function fake(name: NotifyChannel, fail?: (row: NotificationRow) => DeliveryError | undefined): Channel & { sent: NotificationRow[] } {
  const sent: NotificationRow[] = [];
  return {
    name,
    sent,
    async send(row) {
      const err = fail?.(row);
      if (err) throw err;
      sent.push(row);
      return `250 accepted ${row.messageId}`;
    },
  };
}
