// Exposure's queries, the same assertions on DuckDB and on ClickHouse: identified devices per
// vendor, product, device type and CVE with their exposed, compromised and version-confirmed
// counts, the rows beyond the top folded, the totals, and the exposed devices listed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../../test/engines.js';
import { parseIp } from '../core/ip.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { exposedDevices, exposure } from './exposure-sql.js';

const all = await engines(['device_identities', 'device_addresses', 'exposures', 'kev']);
const at = Date.parse('2024-06-01T00:00:00Z');
const COMPROMISED = ['D1', 'D3', 'ip:192.0.2.9'];

async function devices(d: Driver): Promise<void> {
  const device = (id: string, stable: boolean, addresses: number, f: { vendor?: string; product?: string; device_type?: string }) => ({
    device: id, stable, certainty: 0.9, addresses, services: 1, first_seen: at, last_seen: at, cpe23: [], keys: [],
    identity: JSON.stringify({ evidence: [{ source: 'banner', field: 'ssh', value: id }] }), ...f,
  });
  await d.load(table('device_identities'), [
    device('D1', true, 3, { vendor: 'MikroTik', product: 'RouterOS', device_type: 'router' }),
    device('D2', false, 1, { vendor: 'MikroTik' }),
    device('D3', true, 2, { vendor: 'Hikvision', product: 'DS-2CD', device_type: 'camera' }),
    device('D4', false, 1, {}),
    device('D5', false, 1, { device_type: 'nas' }),
  ]);
  const addr = (id: string, ip: string) => ({ device: id, ip: parseIp(ip)!, first_seen: at, last_seen: at, stable: true });
  await d.load(table('device_addresses'), [addr('D1', '198.51.100.7'), addr('D1', '192.0.2.1'), addr('D1', '2001:db8::1'), addr('D2', '192.0.2.50')]);
  const exp = (id: string, cve: string, level: string) => ({ device: id, cve_id: cve, level, matched_on: 'cpe', evidence: [`${id} ${cve}`], version_note: level === 'version' ? '6.40 < 6.42' : null });
  await d.load(table('exposures'), [exp('D1', 'CVE-A', 'version'), exp('D1', 'CVE-B', 'product-level'), exp('D2', 'CVE-A', 'product-level')]);
  const kev = (cve: string, name: string | null) => ({ cve_id: cve, import_id: 1, vendor_project: 'MikroTik', product: 'RouterOS', vulnerability_name: name, cwes: [] });
  await d.load(table('kev'), [kev('CVE-A', 'Alpha bug'), kev('CVE-B', null)]);
}

const counts = (r: { key: string; label: string; devices: number; exposed: number; compromised: number; exposedCompromised: number; versionConfirmed: number }) =>
  [r.key, r.label, r.devices, r.exposed, r.compromised, r.exposedCompromised, r.versionConfirmed];

for (const engine of all) {
  describe(engine.name, { skip: engine.skip }, () => {
    test('exposure per vendor, product, device type and CVE, with totals and the rest folded', async () => {
      const d = await engine.open();
      try {
        await devices(d);
        const vendor = await exposure(d, { by: 'vendor' }, COMPROMISED);
        assert.deepEqual(vendor.rows.map(counts), [
          ['mikrotik', 'MikroTik', 2, 2, 1, 1, 1],
          ['hikvision', 'Hikvision', 1, 0, 1, 0, 0],
          ['unknown', 'Unidentified', 1, 0, 0, 0, 0],
        ]);
        assert.deepEqual(vendor.totals, { devices: 4, exposed: 2, compromised: 2, exposedCompromised: 1, stableDevices: 2, stableAddresses: 5, addresses: 7 });
        assert.equal(vendor.others, undefined);
        const cve = await exposure(d, { by: 'cve' }, COMPROMISED);
        assert.deepEqual(cve.rows.map(counts), [
          ['CVE-A', 'CVE-A (Alpha bug)', 2, 2, 1, 1, 1],
          ['CVE-B', 'CVE-B', 1, 1, 1, 1, 0],
          ['none', 'No known exploited CVE', 2, 0, 1, 0, 0],
        ]);
        const top = await exposure(d, { by: 'cve', top: 1 }, COMPROMISED);
        assert.deepEqual(top.rows.map((r) => r.key), ['CVE-A']);
        assert.deepEqual(counts(top.others!), ['others', 'Others (2)', 3, 1, 2, 1, 0]);
        const product = await exposure(d, { by: 'product', kevOnly: true }, COMPROMISED);
        assert.deepEqual(product.rows.map(counts), [
          ['mikrotik (model unknown)', 'MikroTik (model unknown)', 1, 1, 0, 0, 0],
          ['mikrotik routeros', 'MikroTik RouterOS', 1, 1, 1, 1, 1],
        ]);
        assert.equal(product.totals.devices, 2);
        const type = await exposure(d, { by: 'device' }, COMPROMISED);
        assert.deepEqual(type.rows.map((r) => [r.key, r.label, r.exposed]), [['router', 'router', 1], ['unknown', 'Unidentified', 1], ['camera', 'camera', 0], ['nas', 'nas', 0]]);
        assert.deepEqual((await exposure(d, { by: 'vendor' }, [])).totals.compromised, 0, 'nothing compromised');
      } finally {
        await d.close();
      }
    });

    test('exposed devices with their exposures, addresses and evidence', async () => {
      const d = await engine.open();
      try {
        await devices(d);
        const list = await exposedDevices(d, {}, COMPROMISED);
        assert.deepEqual(list.map((x) => [x.device, x.compromised, x.exposures.length]), [['D1', true, 2], ['D2', false, 1]]);
        const [d1] = list;
        assert.deepEqual([d1!.vendor, d1!.product, d1!.deviceType, d1!.stable, d1!.version], ['MikroTik', 'RouterOS', 'router', true, undefined]);
        assert.deepEqual(d1!.addresses, ['192.0.2.1', '198.51.100.7', '2001:db8::1']);
        assert.deepEqual(d1!.exposures, [
          { cveID: 'CVE-A', name: 'Alpha bug', level: 'version', matchedOn: 'cpe', versionNote: '6.40 < 6.42', evidence: ['D1 CVE-A'] },
          { cveID: 'CVE-B', name: undefined, level: 'product-level', matchedOn: 'cpe', versionNote: undefined, evidence: ['D1 CVE-B'] },
        ]);
        assert.deepEqual(d1!.evidence, [{ source: 'banner', field: 'ssh', value: 'D1' }]);
        assert.deepEqual((await exposedDevices(d, { cve: 'CVE-B' }, COMPROMISED)).map((x) => x.device), ['D1']);
        assert.deepEqual((await exposedDevices(d, { kevOnly: false, limit: 10 }, COMPROMISED)).map((x) => x.device), ['D1', 'D2', 'D3', 'D5']);
        assert.deepEqual((await exposedDevices(d, { kevOnly: false, limit: 1 }, COMPROMISED)).map((x) => x.device), ['D1']);
      } finally {
        await d.close();
      }
    });
  });
}
