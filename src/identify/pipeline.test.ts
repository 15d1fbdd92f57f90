// The identify stage wired into the store: a zgrab2 file and passive Zeek rows in, devices
// identified and merged across addresses, KEV exposures, and the census counting devices by vendor,
// type and CVE joined with compromise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { KEV_FIXTURE } from '../../test/fixtures/identify/kev-fixture.js';
import { ftpModule, httpModule, sshModule, zgrabLine } from '../../test/fixtures/identify/scan-fixture.js';
import { parseCidr, parseIp } from '../core/ip.js';
import type { IndicatorRecord } from '../core/model/indicator.js';
import type { Store } from '../store/store.js';
import { ingestFile } from '../telemetry/ingest.js';
import type { TelemetryRecord } from '../core/model/telemetry.js';
import { parseKevJson } from './kev.js';
import { refreshExposures, runIdentification } from './run.js';
import { identifyStore } from './store.js';
import { importIntel, importTelemetry } from '../match/import.js';
import { census } from '../census/count.js';
import { victims } from '../census/victims.js';

const ip = (s: string) => parseIp(s)!;
const t = (s: string) => Date.parse(s);
const DAY = 86_400_000;
const match = { graceMs: DAY };
const K1 = '1a'.repeat(32);
const SHARED = '5e'.repeat(32);
const ASUS_CERT = 'a5'.repeat(32);
const counts = (n: number) => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });

const SCAN = [
  zgrabLine('192.0.2.10', { ssh: sshModule('2024-06-01T10:00:00Z', K1), ftp: ftpModule('2024-06-01T10:00:05Z', 'MikroTik FTP server (MikroTik 6.40.1) ready') }),
  zgrabLine('192.0.2.11', { ssh: sshModule('2024-06-03T10:00:00Z', K1) }),
  zgrabLine('198.51.100.20', { ssh: sshModule('2024-06-05T10:00:00Z', K1) }),
  zgrabLine('192.0.2.20', { http: httpModule('2024-06-01T11:00:00Z', { wwwauth: 'Basic realm="TP-LINK Wireless N Router WR841N"' }) }),
  '{"ip": "192.0.2.99", "data": ',
  // A vendor default certificate on three addresses within the hour: a shared key, not one device.
  ...['60', '61', '62'].map((h, i) =>
    zgrabLine(`192.0.2.${h}`, { http: httpModule(`2024-06-02T10:${i}0:00Z`, {}, undefined, { sha256: SHARED, subject: 'CN=tplinkwifi.net' }) }),
  ),
];

function ind(type: 'ip' | 'cidr', value: string, extra: Partial<IndicatorRecord> = {}): IndicatorRecord {
  const r = parseCidr(value)!;
  return { type, value, lo: r.lo, hi: r.hi, tags: [], forDetection: true, line: 1, ...extra };
}

const flow = (src: string, dst: string, ts: string): TelemetryRecord => ({ kind: 'flow', src: ip(src), dst: ip(dst), ts: t(ts), proto: 'tcp', bytes: 100 });
const report = (addr: string, ts: string): TelemetryRecord => ({
  kind: 'report', ip: ip(addr), ts: t(ts), reportType: 'device_id', compromised: false, deviceVendor: 'Fortinet', deviceModel: 'FortiGate', deviceType: 'firewall',
  deviceId: 'FGT60E0000000001', extra: {},
});

/** Intel, one zgrab2 file, passive Zeek-like rows and flows; then the KEV fixture and identification. */
async function scenario(): Promise<{ store: Store; scanFile: string }> {
  const store = await openTestStore();
  await importIntel(
    store,
    {
      meta: { kind: 'intel', format: 'test', file: 'iocs', sha256: 'i1', source: 'advisory' },
      counts: counts(2),
      warnings: [],
      family: 'raptor-train',
      indicators: [ind('ip', '203.0.113.10', { firstSeen: t('2024-06-01T00:00:00Z'), lastSeen: t('2024-06-30T00:00:00Z') }), ind('cidr', '203.0.113.128/25')],
    },
    match,
  );
  const scanFile = join(tempDir(), 'scan.json');
  writeFileSync(scanFile, SCAN.join('\n') + '\n');
  await ingestFile(store, scanFile, { match });
  const records: TelemetryRecord[] = [
    { kind: 'http', ts: t('2024-06-10T08:00:00Z'), client: ip('192.0.2.200'), server: ip('198.51.100.30'), dport: 80, serverHeader: 'App-webs/' },
    { kind: 'http', ts: t('2024-06-10T08:30:00Z'), client: ip('192.0.2.200'), server: ip('198.51.100.30'), dport: 80, serverHeader: 'App-webs/' },
    { kind: 'tls', ts: t('2024-06-10T09:00:00Z'), client: ip('192.0.2.200'), server: ip('192.0.2.40'), dport: 443, certSha256: ASUS_CERT, subject: 'CN=router.asus.com,O=ASUSTeK Computer Inc.,C=TW' },
    { kind: 'http', ts: t('2024-06-10T10:00:00Z'), client: ip('192.0.2.70'), server: ip('203.0.113.99'), userAgent: 'Mikrotik/6.x Fetch' },
    report('192.0.2.80', '2024-06-10T00:00:00Z'),
    report('192.0.2.81', '2024-06-20T00:00:00Z'),
    flow('192.0.2.10', '203.0.113.10', '2024-06-01T12:00:00Z'),
    flow('192.0.2.11', '203.0.113.10', '2024-06-03T12:00:00Z'),
    flow('198.51.100.20', '203.0.113.10', '2024-06-05T12:00:00Z'),
    flow('198.51.100.30', '203.0.113.10', '2024-06-10T12:00:00Z'),
    flow('192.0.2.40', '203.0.113.10', '2024-06-10T12:00:00Z'),
    flow('192.0.2.50', '203.0.113.10', '2024-06-10T12:00:00Z'),
    // The TP-Link box was scanned on 1 June; an address seen compromised in September may be anyone's.
    flow('192.0.2.20', '203.0.113.200', '2024-09-15T12:00:00Z'),
  ];
  records.forEach((r, i) => (r.line = i + 1));
  await importTelemetry(store, { kind: 'telemetry', format: 'zeek', file: 'zeek.log', sha256: 'z1' }, async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, match);
  const kev = parseKevJson(JSON.stringify({ catalogVersion: '2099.01.02', vulnerabilities: KEV_FIXTURE }));
  await identifyStore(store).importKev({ kind: 'kev', format: 'kev-json', file: 'kev.json', sha256: 'k1' }, kev);
  return { store, scanFile };
}

test('a scan file is imported through ingest: detected, one transaction, bad lines reported with line and field', async () => {
  const store = await openTestStore();
  const file = join(tempDir(), 'scan.json');
  writeFileSync(file, SCAN.join('\n') + '\n');
  const r = await ingestFile(store, file, { match });
  assert.equal(r.status, 'imported');
  if (r.status !== 'imported') return;
  assert.deepEqual([r.format, r.counts.records, r.counts.rejected, r.services, r.sightings], ['zgrab2', 8, 1, 8, 0]);
  assert.deepEqual(r.counts.examples.map((e) => e.line), [5]);
  assert.equal((await ingestFile(store, file, { match })).status, 'duplicate');
  const stored = await identifyStore(store).services();
  assert.equal(stored.length, 8);
  const ftp = stored.find((s) => s.protocol === 'ftp')!;
  assert.deepEqual([ftp.file, ftp.line, ftp.banners['ftp.banner']], [file, 1, 'MikroTik FTP server (MikroTik 6.40.1) ready']);
  const imp = (await store.listImports())[0]!;
  assert.deepEqual([imp.kind, imp.format, imp.records, imp.rejected], ['telemetry', 'zgrab2', 8, 1]);
  await store.close();
});

test('identification merges the churning SSH key into one device and keeps the shared certificate apart', async () => {
  const { store } = await scenario();
  const r = await runIdentification(store);
  assert.deepEqual(r.derived, { imports: 1, services: 5 }, 'the two App-webs rows of one hour fold into one service');
  assert.equal(r.sharedKeys, 1);
  assert.equal(r.stableDevices, 3); // the SSH key, the ASUS certificate, the Fortinet device id
  assert.equal(r.addressesCollapsed, 3); // 3 addresses of the SSH key into 1, 2 of the device id into 1
  const list = await identifyStore(store).exposedDevices({ kevOnly: false, limit: 50 });
  const mikrotik = list.find((d) => d.device === 'ssh:' + K1)!;
  assert.deepEqual(mikrotik.addresses, ['192.0.2.10', '192.0.2.11', '198.51.100.20']);
  assert.deepEqual([mikrotik.vendor, mikrotik.version, mikrotik.deviceType, mikrotik.compromised], ['MikroTik', '6.40.1', 'router', true]);
  assert.deepEqual(mikrotik.exposures.map((x) => [x.cveID, x.level, x.matchedOn]), [['CVE-2099-0001', 'version', 'cpe']]);
  assert.ok(mikrotik.exposures[0]!.evidence.includes('version 6.40.1 is within "through 6.42"'));
  const ftpEvidence = mikrotik.evidence.find((e) => e.key === 'ftp.banner')!;
  assert.deepEqual([ftpEvidence.source, ftpEvidence.line, ftpEvidence.file?.endsWith('scan.json')], ['zgrab2', 1, true]);
  const shared = list.filter((d) => d.device.startsWith('ip:192.0.2.6'));
  assert.deepEqual(shared.map((d) => [d.device, d.vendor, d.stable]), [['ip:192.0.2.60', 'TP-Link', false], ['ip:192.0.2.61', 'TP-Link', false], ['ip:192.0.2.62', 'TP-Link', false]]);
  const ua = list.find((d) => d.device === 'ip:192.0.2.70')!;
  assert.deepEqual([ua.vendor, ua.deviceType, ua.evidence[0]?.source, ua.evidence[0]?.line], ['MikroTik', 'router', 'zeek-http', 4]);
  const forti = list.find((d) => d.device === 'id:fgt60e0000000001')!;
  assert.deepEqual([forti.vendor, forti.deviceType, forti.addresses], ['Fortinet', 'firewall', ['192.0.2.80', '192.0.2.81']]);
  const listed = await victims(store, {});
  assert.equal(listed.find((v) => v.ip === '192.0.2.11')?.deviceId, 'ssh:' + K1);
  await store.close();
});

test('census counts devices by vendor, type, product and CVE, and an identification reaches only 30 days', async () => {
  const { store } = await scenario();
  await runIdentification(store);
  const rows = async (by: 'vendor' | 'device' | 'cve' | 'product') => {
    const c = await census(store, { by, measure: 'cumulative', top: 10 });
    return { c, rows: c.rows.map((x) => [x.key, x.label, x.count]) };
  };
  const vendor = await rows('vendor');
  assert.deepEqual([vendor.c.unit, vendor.c.total, vendor.c.addresses], ['devices', 5, 7]);
  assert.deepEqual(vendor.rows, [['unknown', 'Unidentified', 2], ['asus', 'ASUS', 1], ['hikvision', 'Hikvision', 1], ['mikrotik', 'MikroTik', 1]]);
  assert.deepEqual((await rows('device')).rows, [['router', 'router', 2], ['unknown', 'Unidentified', 2], ['ip-camera', 'ip-camera', 1]]);
  assert.deepEqual((await rows('cve')).rows, [
    ['none', 'No known exploited CVE (or unidentified)', 3],
    ['CVE-2099-0001', 'CVE-2099-0001 (MikroTik RouterOS Path Traversal)', 1],
    ['CVE-2099-0005', 'CVE-2099-0005 (Hikvision Cameras Bypass)', 1],
  ]);
  assert.deepEqual((await rows('product')).rows.slice(0, 2), [['unknown', 'Unidentified', 2], ['asus (model unknown)', 'ASUS (model unknown)', 1]]);
  // Without identification the same victims are five addresses... and six, as the SSH key no longer joins them.
  await identifyStore(store).saveIdentification([], [], []);
  const plain = await census(store, { by: 'country', measure: 'cumulative', top: 10 });
  assert.deepEqual([plain.unit, plain.total], ['addresses', 7]);
  await store.close();
});

test('exposure: identified devices, those exposed, and those also seen compromised; a new catalog re-matches', async () => {
  const { store } = await scenario();
  await runIdentification(store);
  const e = await identifyStore(store).exposure({ by: 'cve' });
  assert.deepEqual(e.totals, { devices: 9, exposed: 7, compromised: 3, exposedCompromised: 2, stableDevices: 3, stableAddresses: 6, addresses: 12 });
  assert.deepEqual(e.rows.map((r) => [r.key, r.devices, r.exposed, r.versionConfirmed, r.compromised, r.exposedCompromised]), [
    ['CVE-2099-0002', 4, 4, 0, 0, 0],
    ['CVE-2099-0001', 2, 2, 1, 1, 1],
    ['CVE-2099-0005', 1, 1, 0, 1, 1],
    ['none', 2, 0, 0, 1, 0],
  ]);
  assert.equal(e.kev?.catalogVersion, '2099.01.02');
  assert.equal(e.kev?.entries, 8);
  const vendors = await identifyStore(store).exposure({ by: 'vendor', kevOnly: true, top: 2 });
  assert.deepEqual(vendors.rows.map((r) => [r.label, r.devices, r.compromised]), [['TP-Link', 4, 0], ['MikroTik', 2, 1]]);
  assert.deepEqual([vendors.others?.label, vendors.others?.devices, vendors.totals.devices], ['Others (1)', 1, 7]);
  // A catalog without the camera entry: the camera is no longer exposed.
  const smaller = parseKevJson(JSON.stringify({ vulnerabilities: KEV_FIXTURE.filter((k) => k.cveID !== 'CVE-2099-0005') }));
  await identifyStore(store).importKev({ kind: 'kev', format: 'kev-json', file: 'kev2.json', sha256: 'k2' }, smaller);
  assert.deepEqual(await refreshExposures(store), { exposures: 6, exposedDevices: 6 });
  const after = await identifyStore(store).exposure({ by: 'cve', kevOnly: true });
  assert.deepEqual([after.totals.exposed, after.totals.exposedCompromised, after.kev?.entries, after.kev?.catalogVersion], [6, 1, 7, undefined]);
  const s = await identifyStore(store).summary();
  assert.deepEqual([s.devices, s.identified, s.sharedKeys, s.exposedDevices], [9, 9, 1, 6]);
  await store.close();
});
