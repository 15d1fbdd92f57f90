// A separate process writing a ClickHouse store, for the tests of many writers and of a crash:
//   node dist/test/clickhouse-writer.js URL TAG ROWS [hang] [claim:KEY]
// opens the store, and in one batch takes an import id and loads ROWS events tagged TAG; with
// `hang` it prints "loaded" and waits inside the batch until it is killed; with `claim:KEY` it
// first claims KEY (driver.claimFirst) and, when another batch holds it, prints "lost" and leaves.
import { openClickHouseDriver } from '../src/store/clickhouse/open.js';
import { EVENTS_TABLE } from '../src/store/conformance/driver-tables.js';

const [url, tag, rows, ...flags] = process.argv.slice(2);
const hang = flags.includes('hang');
const claim = flags.find((f) => f.startsWith('claim:'))?.slice('claim:'.length);
const driver = await openClickHouseDriver(url!, { tables: [EVENTS_TABLE] });
const lost = new Error('lost');
try {
  const id = await driver.atomically(async () => {
    if (claim !== undefined && !(await driver.claimFirst(claim))) throw lost;
    const id = await driver.nextId('conf_events', 'import_id');
    const n = Number(rows);
    for (let i = 0; i < n; i += 500) {
      const chunk = [...Array(Math.min(500, n - i))].map((_, j) => ({ import_id: id, ts: (i + j) * 1000, victim: BigInt(i + j), detail: tag }));
      await driver.load(EVENTS_TABLE, chunk);
    }
    if (hang) {
      console.log('loaded');
      await new Promise(() => setInterval(() => undefined, 1000));
    }
    return id;
  });
  console.log(`done ${id}`);
} catch (e) {
  if (e !== lost) throw e;
  console.log('lost');
}
await driver.close();
