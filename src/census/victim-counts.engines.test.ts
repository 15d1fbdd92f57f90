// The victims' two figures, written once, on DuckDB and ClickHouse (a node and a cluster), empty and not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import { table } from '../store/schema.js';
import { engines } from '../../test/engines.js';
import { latestSighting, victimCount } from './victim-counts.js';

for (const engine of await engines()) {
  test(`${engine.name}: victims ever seen and the latest sighting`, { skip: engine.skip }, async () => {
    const d = await engine.open();
    try {
      assert.equal(await victimCount(d), 0);
      assert.equal(await latestSighting(d), undefined);
      const at = (s: string) => Date.parse(s);
      const fold = (ip: string) => ({
        victim: parseIp(ip)!, grade: 1, first_seen: at('2024-06-01T00:00:00Z'), last_seen: at('2024-06-02T00:00:00Z'),
        first_end: at('2024-06-02T00:00:00Z'), last_start: at('2024-06-01T00:00:00Z'), events: 1,
      });
      await d.load(table('victim_fold'), [fold('192.0.2.1'), fold('192.0.2.2'), fold('2001:db8::1')]);
      const sighting = (last: string) => ({
        victim: parseIp('192.0.2.1')!, kind: 'flow', import_id: 1, hour: at('2024-06-01T00:00:00Z'), first_seen: at('2024-06-01T00:00:00Z'), last_seen: at(last), events: 1,
      });
      await d.load(table('sightings'), [sighting('2024-06-01T00:10:00.250Z'), sighting('2024-06-03T23:59:59.999Z'), sighting('2024-06-02T00:00:00Z')]);
      assert.equal(await victimCount(d), 3);
      assert.equal(await latestSighting(d), at('2024-06-03T23:59:59.999Z'));
    } finally {
      await d.close();
    }
  });
}
