// The ClickHouse driver held to the driver conformance suite, on one node and on a two-shard
// cluster (test/clickhouse.ts starts them, or takes them from the environment).
import { after } from 'node:test';
import { runDriverConformance } from '../conformance/driver.js';
import { clickHouseCluster, clickHouseNode, type ClickHouseForTests } from '../../../test/clickhouse.js';
import { openClickHouseDriver } from './open.js';

const node = await clickHouseNode();
const cluster = await clickHouseCluster();
after(async () => {
  await node.endpoint?.stop();
  await cluster.endpoint?.stop();
});

for (const [name, ch] of [['ClickHouse', node], ['ClickHouse cluster', cluster]] as [string, ClickHouseForTests][]) {
  runDriverConformance({
    name,
    ...(ch.skip ? { skip: ch.skip } : {}),
    async open(tables) {
      const url = ch.endpoint!.freshUrl();
      const driver = await openClickHouseDriver(url, { tables });
      return { driver, again: () => openClickHouseDriver(url, { tables }) };
    },
  });
}
