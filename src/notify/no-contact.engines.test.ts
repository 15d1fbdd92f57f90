// The networks without a contact written once: the same on DuckDB from kept windows and from
// windows computed per question, and on ClickHouse, and the same victims as the census's victim
// list names.
import assert from 'node:assert/strict';
import { victims } from '../census/victims.js';
import { sameOnEngines } from '../../test/window-scenario.js';
import { noContactNetworks } from './owners-sql.js';

await sameOnEngines(
  'networks without a contact',
  async (src) => ({ networks: await noContactNetworks(src), victims: await victims(src, { limit: 1000 }) }),
  (a) => {
    const networks = a.networks as Awaited<ReturnType<typeof noContactNetworks>>;
    const listed = a.victims as Awaited<ReturnType<typeof victims>>;
    const uncontacted = listed.filter((v) => v.owner === undefined && v.warnings.length === 0);
    assert.ok(uncontacted.length > 0 && uncontacted.length < listed.length, 'some victims have an owner, some not');
    assert.equal(networks.reduce((n, g) => n + g.victims, 0), uncontacted.length);
    const perAs = new Map<number | undefined, number>();
    for (const v of uncontacted) perAs.set(v.asn, (perAs.get(v.asn) ?? 0) + 1);
    assert.deepEqual(new Map(networks.map((g) => [g.asn, g.victims])), perAs);
    assert.ok(networks.every((g, i) => i === 0 || networks[i - 1]!.victims >= g.victims), 'most victims first');
  },
);
