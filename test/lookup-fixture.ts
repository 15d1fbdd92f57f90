// Rows for lookup's tests, loaded through the driver into any engine: a victim with flows and DNS
// queries that count and that miss for every reason, its sightings, owner, services and device.
import { parseCidr, parseIp } from '../src/core/ip.js';
import type { Driver } from '../src/store/driver.js';
import { table } from '../src/store/schema.js';

const ip = (s: string) => parseIp(s)!;
const t = (s: string) => Date.parse(s);
export const VICTIM = '192.0.2.10';

/** An address or CIDR indicator's columns. */
function addr(id: number, value: string, extra: Record<string, unknown> = {}) {
  const r = parseCidr(value.includes('/') ? value : `${value}/${value.includes(':') ? 128 : 32}`)!;
  const prefix = 128 - (r.hi - r.lo + 1n).toString(2).length + 1;
  return { id, import_id: 1, source: 'advisory', type: value.includes('/') ? 'cidr' : 'ip', value, lo: r.lo, hi: r.hi, prefix, for_detection: true, ...window, ...extra };
}
const window = { first_seen: t('2024-06-01T00:00:00Z'), last_seen: t('2024-06-30T00:00:00Z') };

export async function loadLookupFixture(d: Driver): Promise<void> {
  const now = t('2024-07-01T00:00:00Z');
  await d.load(table('imports'), [
    { id: 1, kind: 'intel', format: 'csv', file: 'advisory.csv', sha256: 'a', imported_at: now },
    { id: 2, kind: 'telemetry', format: 'nfdump', file: 'flows.csv', sha256: 'b', imported_at: now },
    { id: 3, kind: 'warninglist', format: 'misp', file: 'list.json', sha256: 'c', imported_at: now },
    { id: 4, kind: 'telemetry', format: 'zeek-dns', file: 'dns.log', sha256: 'd', imported_at: now },
  ]);
  await d.load(table('indicators'), [
    addr(1, '198.51.100.7', { type: 'ip-port', value: '198.51.100.7:443', port: 443 }),
    addr(2, '203.0.113.0/24'),
    { id: 3, import_id: 1, source: 'advisory', type: 'domain', value: 'c2.example', domain: 'c2.example', for_detection: true, ...window },
    addr(4, '192.0.2.99', { for_detection: false }),
    addr(5, '198.51.100.200'),
    { id: 6, import_id: 1, source: 'advisory', type: 'domain', value: 'x.cdn.example', domain: 'x.cdn.example', for_detection: true, ...window },
    addr(7, '2001:db8::/32', { source: 'feed' }),
  ]);
  const block = parseCidr('198.51.100.128/25')!;
  await d.load(table('warnings'), [
    { import_id: 3, list: 'Test blocks', kind: 'cidr', lo: block.lo, hi: block.hi, prefix: 121, value: '198.51.100.128/25' },
    { import_id: 3, list: 'Test names', kind: 'domain', domain: 'cdn.example', value: 'cdn.example' },
  ]);
  const flow = (line: number, ts: string, src: string, dst: string, sport: number, dport: number) => ({
    import_id: 2, line, ts: t(ts), src: ip(src), dst: ip(dst), sport, dport, proto: 'tcp', bytes: 100,
  });
  await d.load(table('flows'), [
    flow(2, '2024-06-10T10:00:00Z', VICTIM, '198.51.100.7', 40000, 443), // counted
    flow(3, '2024-06-10T11:00:00Z', VICTIM, '198.51.100.7', 40001, 80), // another port
    flow(4, '2024-05-31T20:00:00Z', VICTIM, '203.0.113.5', 40002, 8080), // before the window, beyond the grace
    flow(5, '2024-06-11T10:00:00Z', VICTIM, '192.0.2.99', 40003, 22), // not for detection
    flow(6, '2024-06-12T10:00:00Z', VICTIM, '198.51.100.200', 40004, 22), // warninglisted block
    flow(7, '2024-07-02T10:00:00Z', '203.0.113.9', VICTIM, 443, 40005), // after the window, the victim as destination
    flow(8, '2024-06-10T10:00:00Z', '192.0.2.11', '198.51.100.7', 40006, 80), // another address, same key bits differ
  ]);
  const dns = (line: number, ts: string, query: string) => ({ import_id: 4, line, ts: t(ts), client: ip(VICTIM), query, qtype: 'A' });
  await d.load(table('dns'), [
    dns(2, '2024-06-15T00:00:00Z', 'a.b.c2.example'), // counted
    dns(3, '2024-06-16T00:00:00Z', 'www.x.cdn.example'), // warninglisted name
    dns(4, '2024-06-16T00:00:00Z', 'elsewhere.example'), // no indicator
  ]);
  const sighting = (indicator_id: number, kind: string, import_id: number, first: string, last: string, extra: Record<string, unknown>) => ({
    victim: ip(VICTIM), indicator_id, kind, import_id, hour: t(first.slice(0, 13) + ':00:00Z'), first_seen: t(first), last_seen: t(last), ...extra,
  });
  await d.load(table('sightings'), [
    sighting(1, 'flow', 2, '2024-06-10T10:00:00Z', '2024-06-10T10:00:00Z', { events: 1, bytes: 100, to_indicator: true, from_indicator: false, answered: false, first_line: 2 }),
    sighting(1, 'flow', 2, '2024-06-10T12:00:00Z', '2024-06-10T12:30:00Z', { events: 2, bytes: 50, to_indicator: false, from_indicator: true, answered: false, first_line: 9 }),
    sighting(3, 'dns', 4, '2024-06-15T00:00:00Z', '2024-06-15T00:00:00Z', { events: 1, to_indicator: true, from_indicator: false, answered: false, first_line: 2, detail: 'a.b.c2.example' }),
  ]);
  const net = parseCidr('192.0.2.0/24')!;
  await d.load(table('owner_keys'), [
    { owner: 'Block owner', lo: net.lo, hi: net.hi, prefix: 120 },
    { owner: 'AS owner', asn: 64500 },
  ]);
  await d.load(table('services'), [
    { import_id: 2, line: 7, ts: t('2024-06-01T00:00:00Z'), last_ts: t('2024-06-02T00:00:00Z'), events: 2, ip: ip(VICTIM), port: 23, transport: 'tcp', protocol: 'telnet', source: 'zgrab2' },
  ]);
  await d.load(table('device_identities'), [
    {
      device: 'dev-1', stable: true, vendor: 'Acme', product: 'Router', certainty: 0.9, addresses: 1, services: 1, first_seen: t('2024-06-01T00:00:00Z'),
      last_seen: t('2024-06-20T00:00:00Z'), identity: JSON.stringify({ evidence: [{ source: 'zgrab2', banner: 'Acme login', fingerprint: 'acme', file: 'scan.json', line: 7 }] }),
    },
  ]);
  await d.load(table('device_addresses'), [{ device: 'dev-1', ip: ip(VICTIM), first_seen: t('2024-06-01T00:00:00Z'), last_seen: t('2024-06-20T00:00:00Z'), stable: true }]);
  await d.load(table('kev'), [{ cve_id: 'CVE-2024-0002', import_id: 5, vendor_project: 'Acme', product: 'Router', vulnerability_name: 'Acme Router RCE' }]);
  await d.load(table('exposures'), [
    { device: 'dev-1', cve_id: 'CVE-2024-0002', level: 'product-level', matched_on: 'product' },
    { device: 'dev-1', cve_id: 'CVE-2024-0001', level: 'version', matched_on: 'cpe' },
  ]);
}

