// lookup tells everything known about an address, victim or not: its enrichment, owner, the
// services seen on it, the device identified there with its evidence line, and its KEV exposures.
import { replaceOwners } from '../../notify/owners-sql.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { KEV_FIXTURE } from '../../../test/fixtures/identify/kev-fixture.js';
import { ftpModule, httpModule, sshModule, zgrabLine } from '../../../test/fixtures/identify/scan-fixture.js';
import { parseIp } from '../../core/ip.js';
import { parseKevJson } from '../../identify/kev.js';
import { runIdentification } from '../../identify/run.js';
import { ingestFile } from '../../telemetry/ingest.js';
import type { TelemetryRecord } from '../../core/model/telemetry.js';
import { identifyStore } from '../../identify/store.js';
import { lookupAddress } from '../../match/lookup.js';
import { importIntel, importTelemetry } from '../../match/import.js';

const ip = (s: string) => parseIp(s)!;
const match = { graceMs: 86_400_000 };
const counts = (n: number) => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });

test('a scanned address that is no victim: services, the device with its evidence line, KEV exposures, owner and enrichment', async () => {
  const store = await openTestStore();
  const c2 = ip('203.0.113.10');
  await importIntel(
    store,
    { meta: { kind: 'intel', format: 'test', file: 'iocs', sha256: 'i1', source: 'advisory' }, counts: counts(1), warnings: [], indicators: [{ type: 'ip', value: '203.0.113.10', lo: c2, hi: c2, tags: [], forDetection: true, line: 1 }] },
    match,
  );
  const scan = join(tempDir(), 'scan.json');
  writeFileSync(
    scan,
    [
      zgrabLine('192.0.3.10', { ssh: sshModule('2024-06-01T10:00:00Z', '1a'.repeat(32)), ftp: ftpModule('2024-06-01T10:00:05Z', 'MikroTik FTP server (MikroTik 6.40.1) ready') }),
      zgrabLine('192.0.3.20', { http: httpModule('2024-06-01T11:00:00Z', { wwwauth: 'Basic realm="TP-LINK Wireless N Router WR841N"' }) }),
    ].join('\n') + '\n',
  );
  await ingestFile(store, scan, { match });
  const flows: TelemetryRecord[] = [{ kind: 'flow', src: ip('192.0.3.10'), dst: c2, ts: Date.parse('2024-06-01T12:00:00Z'), proto: 'tcp', bytes: 100, line: 1 }];
  await importTelemetry(store, { kind: 'telemetry', format: 'test', file: 'flows', sha256: 'f1' }, async (write) => {
    await write(flows);
    return counts(1);
  }, () => undefined, match);
  await identifyStore(store).importKev({ kind: 'kev', format: 'kev-json', file: 'kev.json', sha256: 'k1' }, parseKevJson(JSON.stringify({ vulnerabilities: KEV_FIXTURE })));
  await runIdentification(store);
  await replaceOwners(store, [{ name: 'Telecom A', asns: [64500], cidrs: [], emails: ['abuse@telecom-a.example'], language: 'en', intervalDays: 7, format: 'csv-attachment' }]);

  const l = await lookupAddress(store, ip('192.0.3.20'), match);
  assert.deepEqual([l.evidence.length, l.nearMisses.length], [0, 0], 'not a victim');
  assert.deepEqual([l.host?.country, l.host?.asn, l.host?.asOrg], ['US', 64500, 'Example Telecom A']);
  assert.equal(l.owner, 'Telecom A');
  assert.deepEqual(l.services.map((s) => [s.port, s.protocol, s.source, s.file, s.line]), [[undefined, 'http', 'zgrab2', scan, 2]]);
  assert.equal(l.devices.length, 1);
  const d = l.devices[0]!;
  assert.deepEqual([d.vendor, d.deviceType], ['TP-Link', 'router']);
  assert.ok(d.evidence.some((e) => e.file === scan && e.line === 2 && /TP-LINK/.test(e.banner)), JSON.stringify(d.evidence));
  assert.deepEqual(d.exposures.map((x) => x.cveID), ['CVE-2099-0002']);

  const victim = await lookupAddress(store, ip('192.0.3.10'), match);
  assert.equal(victim.evidence.length, 1);
  assert.deepEqual(victim.services.map((s) => s.protocol).sort(), ['ftp', 'ssh']);
  assert.deepEqual([victim.devices[0]?.vendor, victim.devices[0]?.version], ['MikroTik', '6.40.1']);
  assert.deepEqual(victim.devices[0]?.exposures.map((x) => [x.cveID, x.level]), [['CVE-2099-0001', 'version']]);
  await store.close();
});
