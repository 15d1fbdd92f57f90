// The identify stage's queries on a store: scan imports all-or-nothing, passive rows folded into
// services once per import, the KEV catalog replaced whole, and victims mapped to the device that
// held their address nearest in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEV_FIXTURE } from '../../test/fixtures/identify/kev-fixture.js';
import { openTestStore } from '../../test/store.js';
import { parseCidr, parseIp } from '../core/ip.js';
import { parseKevJson } from './kev.js';
import { derivePassiveServices, passiveServices } from './passive.js';
import { REPORT_DEVICE_EXTRA } from './from-telemetry.js';
import { eachPassiveBatch } from './passive-sql.js';
import type { DeviceIdentity } from './identify.js';
import type { ReportRecord, TelemetryRecord } from '../core/model/telemetry.js';
import type { DeviceRecord } from './store-types.js';
import type { Store } from '../store/store.js';
import { identifyStore } from './store.js';
import { importIntel, importTelemetry } from '../match/import.js';
import { census } from '../census/count.js';
import { victims } from '../census/victims.js';

const ip = (s: string) => parseIp(s)!;
const t = (s: string) => Date.parse(s);
const match = { graceMs: 86_400_000 };
const counts = (n: number) => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });
let seq = 0;
const meta = () => ({ kind: 'telemetry' as const, format: 'zeek', file: `f${++seq}.log`, sha256: `h${seq}` });

async function telemetry(store: Store, records: TelemetryRecord[]): Promise<number> {
  records.forEach((r, i) => (r.line = i + 1));
  const out = await importTelemetry(store, meta(), async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, match);
  return out.importId;
}

test('a scan import is all or nothing', async () => {
  const store = await openTestStore();
  const obs = { ts: t('2024-06-01T00:00:00Z'), ip: ip('192.0.2.1'), protocol: 'ssh', source: 'zgrab2', banners: { 'ssh.banner': 'ROSSSH' }, line: 1 };
  await assert.rejects(
    identifyStore(store).importScan({ ...meta(), format: 'zgrab2' }, async (write) => {
      await write([obs]);
      return counts(1);
    }, () => {
      throw new Error('refused');
    }),
    /refused/,
  );
  assert.deepEqual([(await store.listImports()).length, (await identifyStore(store).services()).length], [0, 0]);
  const ok = await identifyStore(store).importScan({ ...meta(), format: 'zgrab2' }, async (write) => {
    await write([obs, { ...obs, ip: ip('2001:db8::1'), port: 2222 }]);
    return counts(2);
  }, () => undefined);
  assert.equal(ok.services, 2);
  const rows = await identifyStore(store).services();
  assert.deepEqual(rows.map((r) => [r.ip, r.port, r.events, r.lastTs === r.ts, r.banners['ssh.banner']]), [
    [ip('192.0.2.1'), undefined, 1, true, 'ROSSSH'],
    [ip('2001:db8::1'), 2222, 1, true, 'ROSSSH'],
  ]);
  assert.equal((await store.listImports())[0]!.minTs?.toISOString(), '2024-06-01T00:00:00.000Z');
  await store.close();
});

test('passive rows become services once per import, folded per host, content and hour', async () => {
  const store = await openTestStore();
  const server = ip('198.51.100.30');
  const http = (ts: string, serverHeader: string): TelemetryRecord => ({ kind: 'http', ts: t(ts), client: ip('192.0.2.9'), server, dport: 80, serverHeader });
  const id = await telemetry(store, [
    http('2024-06-01T10:05:00Z', 'App-webs/'),
    http('2024-06-01T10:45:00Z', 'App-webs/'),
    http('2024-06-01T11:05:00Z', 'App-webs/'),
    http('2024-06-01T10:50:00Z', 'lighttpd'),
    { kind: 'flow', ts: t('2024-06-01T10:00:00Z'), src: ip('192.0.2.9'), dst: server },
  ]);
  assert.deepEqual(await identifyStore(store).pendingPassiveImports(), [id]);
  assert.equal(await derivePassiveServices(store, id), 3);
  assert.equal(await derivePassiveServices(store, id), 3, 'deriving again replaces, never doubles');
  assert.deepEqual(await identifyStore(store).pendingPassiveImports(), []);
  const rows = await identifyStore(store).services();
  assert.deepEqual(rows.map((r) => [r.banners['http_header.server'], r.events, r.line, new Date(r.lastTs).toISOString().slice(11, 16)]), [
    ['App-webs/', 2, 1, '10:45'],
    ['lighttpd', 1, 4, '10:50'],
    ['App-webs/', 1, 3, '11:05'],
  ]);
  assert.equal(rows[0]!.source, 'zeek-http');
  await store.close();
});

test('passive rows reach the conversion in batches of any size, each row once, in line order per source', async () => {
  const store = await openTestStore();
  const c = ip('192.0.2.9');
  const records: TelemetryRecord[] = [];
  for (let i = 0; i < 7; i++) {
    const server = ip(`198.51.100.${i + 1}`);
    records.push({ kind: 'http', ts: t('2024-06-01T10:00:00Z'), client: c, server, dport: 80, serverHeader: `srv-${i}`, userAgent: `ua-${i}` });
    records.push({ kind: 'tls', ts: t('2024-06-01T10:00:00Z'), client: c, server, dport: 443, sni: `s${i}.example`, certSha256: 'ab'.repeat(32) });
    records.push({ kind: 'report', ts: t('2024-06-01T10:00:00Z'), ip: server, reportType: 'scan_http', compromised: false, deviceVendor: `V${i}`, extra: { n: String(i) } });
  }
  const id = await telemetry(store, records);
  const read = async (batch: number) => {
    const seen: string[] = [];
    const sizes: number[] = [];
    await eachPassiveBatch(store.driver, id, batch, undefined, async (format, recs) => {
      sizes.push(recs.length);
      for (const r of recs) seen.push(`${format}:${r.kind}:${r.line}`);
    });
    return { seen, sizes };
  };
  const whole = await read(1000);
  // 7 servers by header, 7 clients by user agent, 7 certificates, 7 SNIs, 7 reports.
  assert.equal(whole.seen.length, 35);
  for (const batch of [1, 2, 3, 6]) {
    const got = await read(batch);
    assert.deepEqual(got.seen, whole.seen, `batch ${batch}`);
    assert.ok(Math.max(...got.sizes) <= batch, `no batch over ${batch}: ${got.sizes}`);
  }
  // The service count is the same whatever the batch size.
  assert.ok((await derivePassiveServices(store, id)) > 0);
  await store.close();
});

test('report rows that cannot describe a device are not read back, and the services stay the same', async () => {
  const store = await openTestStore();
  const host = (i: number) => ip(`198.51.100.${i + 1}`);
  const report = (i: number, reportType: string, more: Partial<ReportRecord>): TelemetryRecord =>
    ({ kind: 'report', ts: t('2024-06-01T10:00:00Z'), ip: host(i), reportType, compromised: false, extra: {}, ...more }) as TelemetryRecord;
  const describing: TelemetryRecord[] = [
    report(0, 'scan_telnet', { extra: { banner: 'BusyBox on router login:' } }),
    report(1, 'scan_http', { extra: { server: 'lighttpd/1.4' } }),
    report(2, 'scan_http', { extra: { server_type: 'GoAhead-Webs' } }),
    report(3, 'scan_http', { extra: { www_authenticate: 'Basic realm="NETGEAR DGN2200"' } }),
    report(4, 'scan_ssh', { extra: { serverid_raw: 'SSH-2.0-dropbear_2014.63' } }),
    report(5, 'scan_ssh', { extra: { server_host_key_sha256: 'ab'.repeat(32) } }),
    report(6, 'scan_ssl', { extra: { sha256_fingerprint: 'CD'.repeat(32) } }),
    report(7, 'scan_ssl', { extra: { subject_common_name: 'router.asus.com' } }),
    report(8, 'device_id', { deviceVendor: 'Hikvision' }),
    report(9, 'event4_sinkhole', { deviceId: 'SN-9' }),
  ];
  const silent: TelemetryRecord[] = [
    report(10, 'event4_sinkhole', { extra: { src_port: '1024', naics: '0', http_agent: 'curl' } }),
    report(11, 'event4_sinkhole', { family: 'mirai' }),
  ];
  const id = await telemetry(store, [...describing, ...silent]);
  const derive = async (keys?: string[]) => {
    let handed = 0;
    const n = await identifyStore(store).derivePassiveServices(id, (format, records) => ((handed += records.length), passiveServices(format, records)), keys);
    const rows = await store.db.all(`SELECT * FROM services WHERE import_id = $1 ORDER BY line`, [id]);
    return { n, handed, rows };
  };
  const all = await derive();
  const filtered = await derive(REPORT_DEVICE_EXTRA);
  assert.equal(all.handed, 12);
  assert.equal(filtered.handed, 10, 'the two sinkhole rows without device fields stay in the store');
  assert.equal(all.n, 10, 'every describing row is a service');
  assert.deepEqual(filtered.rows, all.rows);
  await store.close();
});

test('the KEV catalog is replaced whole by each import and remembered with its version', async () => {
  const store = await openTestStore();
  assert.equal(await identifyStore(store).kevInfo(), undefined);
  const catalog = parseKevJson(JSON.stringify({ catalogVersion: '2099.01.02', dateReleased: '2099-01-02T00:00:00Z', vulnerabilities: KEV_FIXTURE }));
  await identifyStore(store).importKev({ kind: 'kev', format: 'kev-json', file: 'kev.json', sha256: 'k1' }, catalog);
  assert.deepEqual(await identifyStore(store).kevEntries(), [...catalog.entries].sort((a, b) => a.cveID.localeCompare(b.cveID)));
  const info = await identifyStore(store).kevInfo();
  assert.deepEqual([info?.entries, info?.catalogVersion, info?.dateReleased, info?.file], [8, '2099.01.02', '2099-01-02T00:00:00Z', 'kev.json']);
  const two = parseKevJson(JSON.stringify({ vulnerabilities: KEV_FIXTURE.slice(0, 2) }));
  await identifyStore(store).importKev({ kind: 'kev', format: 'kev-json', file: 'kev2.json', sha256: 'k2' }, two);
  assert.deepEqual((await identifyStore(store).kevEntries()).map((e) => e.cveID), ['CVE-2099-0001', 'CVE-2099-0002']);
  assert.equal((await identifyStore(store).kevInfo())?.catalogVersion, undefined);
  assert.equal((await store.findImport('k1', 'kev'))?.records, 8);
  await store.close();
});

function device(id: string, vendor: string, addr: string, from: string, to: string): DeviceRecord {
  const identity: DeviceIdentity = { vendor, cpe23: [], certainty: 1, evidence: [], conflicts: [], deviceIds: [], ips: [ip(addr)], services: 1, firstSeen: t(from), lastSeen: t(to) };
  return { device: id, stable: true, keys: [id], identity, addresses: [{ ip: ip(addr), firstSeen: t(from), lastSeen: t(to) }] };
}

test('a victim address counts as the device that held it nearest in time, within 30 days', async () => {
  const store = await openTestStore();
  const c = parseCidr('203.0.113.0/24')!;
  await importIntel(
    store,
    { meta: { kind: 'intel', format: 'test', file: 'i', sha256: 'i' }, counts: counts(1), warnings: [], indicators: [{ type: 'cidr', value: '203.0.113.0/24', lo: c.lo, hi: c.hi, tags: [], forDetection: true, line: 1 }] },
    match,
  );
  const flow = (ts: string): TelemetryRecord => ({ kind: 'flow', ts: t(ts), src: ip('192.0.2.7'), dst: ip('203.0.113.5') });
  await telemetry(store, [flow('2024-06-02T00:00:00Z'), flow('2024-06-21T00:00:00Z'), flow('2024-08-30T00:00:00Z')]);
  const vendorIn = async (from: string, to: string) =>
    (await census(store, { by: 'vendor', measure: 'window', from: t(from), to: t(to), top: 5 })).rows.map((r) => [r.label, r.count]);
  // Asked before the identification is saved: the answer kept for this window must not outlive it.
  assert.deepEqual(await vendorIn('2024-06-02T00:00:00Z', '2024-06-03T00:00:00Z'), [['Unidentified', 1]]);
  await identifyStore(store).saveIdentification(
    [device('ssh:aa', 'Alpha', '192.0.2.7', '2024-06-01T00:00:00Z', '2024-06-01T01:00:00Z'), device('ssh:bb', 'Beta', '192.0.2.7', '2024-06-20T00:00:00Z', '2024-06-20T01:00:00Z')],
    [],
    [],
  );
  assert.deepEqual(await vendorIn('2024-06-02T00:00:00Z', '2024-06-03T00:00:00Z'), [['Alpha', 1]]);
  assert.deepEqual(await vendorIn('2024-06-21T00:00:00Z', '2024-06-22T00:00:00Z'), [['Beta', 1]]);
  assert.deepEqual(await vendorIn('2024-08-29T00:00:00Z', '2024-08-31T00:00:00Z'), [['Unidentified', 1]], 'beyond 30 days the address is anyone');
  const listed = await victims(store, { from: t('2024-06-21T00:00:00Z'), to: t('2024-06-22T00:00:00Z') });
  assert.deepEqual(listed.map((v) => [v.ip, v.deviceId]), [['192.0.2.7', 'ssh:bb']]);
  await store.close();
});
