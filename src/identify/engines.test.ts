// The identify stage on both engines, the same assertions on DuckDB and on a ClickHouse node: a
// zgrab2 scan file ingested (its bad line counted, a second ingest recognised), the KEV catalog
// imported and replaced, devices identified (and identified again, replacing the first run), and
// every row read back equal on both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEV_FIXTURE } from '../../test/fixtures/identify/kev-fixture.js';
import { ftpModule, httpModule, sshModule, zgrabLine } from '../../test/fixtures/identify/scan-fixture.js';
import { testEngines } from '../../test/engines.js';
import { tempDir } from '../../test/tmp.js';
import { ingestFile } from '../telemetry/ingest.js';
import { parseKevJson } from './kev.js';
import { runIdentification } from './run.js';
import { identifyStore } from './store.js';

const engines = await testEngines();
const dir = tempDir();
const KEY = '7d'.repeat(32);
const scan = join(dir, 'scan-results.json');
writeFileSync(
  scan,
  [
    zgrabLine('192.0.2.10', { ssh: sshModule('2024-06-01T10:00:00Z', KEY), ftp: ftpModule('2024-06-01T10:00:01Z', 'MikroTik FTP server (MikroTik 6.40.1) ready') }),
    zgrabLine('192.0.2.11', { ssh: sshModule('2024-06-04T10:00:00Z', KEY) }),
    zgrabLine('2001:db8::20', { http: httpModule('2024-06-01T11:00:00Z', { server: 'App-webs/' }) }),
    JSON.stringify({ ip: '192.0.2.30', data: { ftp: 'not an object' } }),
  ].join('\n') + '\n',
);
const kev = (entries: typeof KEV_FIXTURE, version: string) =>
  parseKevJson(JSON.stringify({ catalogVersion: version, dateReleased: '2099-01-02T00:00:00Z', vulnerabilities: entries }));
const kevMeta = (n: number) => ({ kind: 'kev' as const, format: 'kev-json', file: `kev${n}.json`, sha256: `kev${n}`.padEnd(64, '0') });

/** What each engine answered, compared at the end. */
const answers = new Map<string, unknown>();

for (const e of engines) {
  test(`${e.name}: a scan file ingested, KEV imported, devices identified, the rows read back`, { skip: e.skip ?? false }, async () => {
    const store = await e.open();
    try {
      const r = await ingestFile(store, scan, { match: { graceMs: 86_400_000 } });
      assert.equal(r.status, 'imported');
      assert.ok(r.status === 'imported');
      assert.deepEqual([r.format, r.counts.lines, r.counts.records, r.counts.rejected, r.services], ['zgrab2', 4, 4, 1, 4]);
      assert.equal((await ingestFile(store, scan, { match: { graceMs: 86_400_000 } })).status, 'duplicate');
      const id = identifyStore(store);
      // A first catalog, replaced whole by the second.
      await id.importKev(kevMeta(1), kev(KEV_FIXTURE.slice(0, 2), '2099.01.01'));
      await id.importKev(kevMeta(2), kev(KEV_FIXTURE, '2099.01.02'));
      const first = await runIdentification(store);
      const run = await runIdentification(store);
      assert.deepEqual(
        [run.services, run.devices, run.identified, run.stableDevices, run.addressesCollapsed, run.kevEntries, run.exposures, run.exposedDevices],
        [4, 2, 2, 1, 1, 8, 2, 2],
      );
      assert.deepEqual({ ...first, derived: undefined }, { ...run, derived: undefined }, 'identifying again replaces the first run');
      const services = (await id.services()).map((s) => ({ ...s, importId: undefined }));
      assert.deepEqual(services.map((s) => [s.protocol, s.line]), [['ssh', 1], ['ftp', 1], ['ssh', 2], ['http', 3]]);
      const info = await id.kevInfo();
      assert.deepEqual([info?.entries, info?.catalogVersion, info?.file], [8, '2099.01.02', 'kev2.json']);
      const summary = await id.summary();
      assert.deepEqual([summary.services, summary.devices, summary.identified, summary.sharedKeys, summary.exposures, summary.exposedDevices], [4, 2, 2, 0, 2, 2]);
      const imports = (await store.listImports()).map((i) => [i.kind, i.format, i.records, i.rejected, i.minTs?.toISOString()]);
      assert.deepEqual(imports, [
        ['telemetry', 'zgrab2', 4, 1, '2024-06-01T10:00:00.000Z'],
        ['kev', 'kev-json', 2, 0, undefined],
        ['kev', 'kev-json', 8, 0, undefined],
      ]);
      await id.setFingerprintDirs(['/a', "/b'c"]);
      assert.deepEqual(await id.fingerprintDirs(), ['/a', "/b'c"]);
      answers.set(e.name, { services, summary, kev: await id.kevEntries(), identities: await id.identities(), info: { ...info, importedAt: undefined } });
    } finally {
      await store.close();
    }
  });
}

test('both engines read back the same rows', { skip: engines.find((e) => e.skip)?.skip ?? false }, () => {
  assert.equal(answers.size, 2);
  assert.deepEqual(answers.get('ClickHouse'), answers.get('DuckDB'));
});
