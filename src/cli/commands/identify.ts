// botcensus identify: (re)identifies every stored service and device, merges identities across
// addresses, and matches the devices against the imported KEV catalog.
import { Command } from 'commander';
import { runIdentification, type IdentifyRunResult } from '../../identify/run.js';
import type { Store } from '../../store/store.js';
import { toJson, withWritingStore } from '../context.js';
import { identifyStore } from '../../identify/store.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The run's summary as a few lines of text. */
export async function describeRun(store: Store, r: IdentifyRunResult): Promise<string[]> {
  const fp = r.fingerprints.dirs.length ? `built-in rules + ${r.fingerprints.dirs.join(', ')}` : 'built-in rules';
  const out = [
    `identify: ${r.services} services${r.derived.services ? ` (${r.derived.services} new from passive telemetry)` : ''}; fingerprints: ${fp} (${r.fingerprints.files} files, ${r.fingerprints.fingerprints} fingerprints)`,
    `devices: ${r.devices} (${r.identified} identified); ${r.stableDevices} known by a stable identity (SSH host key, certificate, device id); ` +
      `${r.addressesCollapsed} of ${r.addressesWithIdentity} addresses with an identity collapsed into another address's device` +
      (r.sharedKeys ? `; ${r.sharedKeys} keys shared by many addresses at once ignored (vendor defaults)` : ''),
  ];
  const s = await identifyStore(store).summary();
  if (s.byType.length) out.push(`by type: ${s.byType.map((t) => `${t.type} ${t.devices}`).join(', ')}`);
  out.push(
    r.kevEntries
      ? `KEV: ${r.exposures} exposures on ${r.exposedDevices} devices (catalog of ${r.kevEntries} entries); see botcensus exposure`
      : 'KEV: no catalog imported yet (botcensus kev import FILE, or kev update when online)',
  );
  return out;
}

export function identifyCommand(): Command {
  return new Command('identify')
    .description('identify devices from scan and passive data (vendor, product, firmware, type, CPE), merge identities across addresses, match the KEV catalog')
    .option('--fingerprints <dir>', 'also use this Recog-format fingerprint folder (repeatable; remembered for later runs)', collect)
    .option('--no-fingerprints', 'forget the remembered folders: built-in rules only')
    .option('--json', 'print the result as JSON')
    .action(async (o: { fingerprints?: string[] | false; json?: boolean }, cmd: Command) => {
      await withWritingStore(cmd, async (store) => {
        const dirs = o.fingerprints === false ? [] : o.fingerprints;
        const r = await runIdentification(store, { fingerprintDirs: dirs });
        if (o.json) process.stdout.write(toJson({ ...r, summary: await identifyStore(store).summary() }));
        else for (const line of await describeRun(store, r)) console.log(line);
      });
    });
}
