// Adds the beacon hosts of tracking campaigns to the store as an intel source, through the same
// import as any indicator file (a CSV written for it), so they are matched against telemetry and
// importing the same hosts again changes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import { importIntelFile, type IntelImportResult } from '../intel/import.js';
import type { MailCampaignRecord } from './records.js';
import type { MatchOptions, Store } from '../store/store.js';
import { beaconIndicators, exportBeacons } from './indicators.js';

export interface AddIntelOptions {
  /** The intel source name (default "mail-tracking"). */
  source?: string;
  match: MatchOptions;
}

export async function addBeaconsAsIntel(store: Store, campaigns: MailCampaignRecord[], opts: AddIntelOptions): Promise<IntelImportResult> {
  const indicators = beaconIndicators(campaigns);
  if (!indicators.length) throw new BotcensusError('NOTHING_IMPORTED', 'no beacon hosts: no tracking campaign (or none of those named) has any');
  const dir = mkdtempSync(join(tmpdir(), 'botcensus-mail-'));
  try {
    const file = join(dir, 'beacons.csv');
    writeFileSync(file, exportBeacons(indicators, 'csv'));
    const ids = campaigns.map((c) => c.id).sort();
    const name = `mail campaigns ${ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ')}`;
    return await importIntelFile(store, file, { format: 'csv', name, source: opts.source ?? 'mail-tracking', family: 'mail-tracking', match: opts.match });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
