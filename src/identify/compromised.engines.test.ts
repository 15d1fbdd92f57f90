// Exposure's compromised devices (the census's mapping of victims to devices, all time,
// warninglisted victims left out) written once: the same on DuckDB from kept windows and from
// windows computed per question, and on ClickHouse.
import assert from 'node:assert/strict';
import { sameOnEngines } from '../../test/window-scenario.js';
import { compromisedDevices } from './exposure-sql.js';

await sameOnEngines(
  'compromised devices',
  async (src) => ({ devices: await compromisedDevices(src) }),
  // The router on two victim addresses once; the camera's address; not the NAS that held an address long before its sightings.
  (a) => assert.deepEqual(a.devices, ['ip:192.0.3.3', 'ssh:router-a']),
);
