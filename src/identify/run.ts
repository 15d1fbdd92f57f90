// One identification run over the store: passive rows not yet seen become services, every service
// is identified and attached to a device, devices are matched against the KEV catalog, and the
// result replaces the last run's. Also the exposure refresh after a new KEV catalog.
import type { DeviceRecord, ExposureRecord } from './store-types.js';
import type { Store } from '../store/store.js';
import { buildDevices, type BuildOptions } from './devices.js';
import type { Identity } from './identify.js';
import { kevMatcher, type KevEntry, type KevMatchOptions } from './kev.js';
import { derivePendingServices } from './passive.js';
import { recogDb } from './recog/db.js';
import { identifyStore } from './store.js';

export interface IdentifyRunOptions extends BuildOptions {
  /** External Recog-format folders; remembered in the store for later runs. Default: the remembered ones. */
  fingerprintDirs?: string[];
  kev?: KevMatchOptions;
}

export interface IdentifyRunResult {
  derived: { imports: number; services: number };
  services: number;
  fingerprints: { dirs: string[]; files: number; fingerprints: number };
  devices: number;
  identified: number;
  stableDevices: number;
  /** Addresses that carried a stable identity, and how many of them folded into another's device. */
  addressesWithIdentity: number;
  addressesCollapsed: number;
  sharedKeys: number;
  kevEntries: number;
  exposures: number;
  exposedDevices: number;
}

const identified = (i: Identity) => !!(i.vendor || i.product || i.deviceType || i.os?.product);

/** Each device's KEV matches (each names how it was made, see kev-match.ts). */
export function exposuresOf(devices: { device: string; identity: Identity }[], entries: KevEntry[], opts: KevMatchOptions = {}): ExposureRecord[] {
  if (entries.length === 0) return [];
  const match = kevMatcher(entries, opts);
  const out: ExposureRecord[] = [];
  for (const d of devices) for (const m of match(d.identity)) out.push({ device: d.device, match: m });
  return out;
}

export async function runIdentification(store: Store, opts: IdentifyRunOptions = {}): Promise<IdentifyRunResult> {
  const dirs = opts.fingerprintDirs ?? (await identifyStore(store).fingerprintDirs());
  const db = recogDb(dirs); // loads (and checks) the folders before anything changes
  if (opts.fingerprintDirs) await identifyStore(store).setFingerprintDirs(dirs);
  const derived = await derivePendingServices(store);
  const services = await identifyStore(store).services();
  const { devices, merge } = buildDevices(services, db, opts);
  const entries = await identifyStore(store).kevEntries();
  const exposures = exposuresOf(devices, entries, opts.kev);
  await identifyStore(store).saveIdentification(devices, merge.shared, exposures);
  const stats = db.stats();
  const stable = devices.filter((d: DeviceRecord) => d.stable);
  return {
    derived,
    services: services.length,
    fingerprints: { dirs, files: stats.files, fingerprints: stats.fingerprints },
    devices: devices.length,
    identified: devices.filter((d) => identified(d.identity)).length,
    stableDevices: stable.length,
    addressesWithIdentity: merge.addressesWithIdentity,
    addressesCollapsed: merge.addressesCollapsed,
    sharedKeys: merge.shared.length,
    kevEntries: entries.length,
    exposures: exposures.length,
    exposedDevices: new Set(exposures.map((e) => e.device)).size,
  };
}

/** Matches the stored identities against the stored KEV catalog again (after `kev import`). */
export async function refreshExposures(store: Store, opts: KevMatchOptions = {}): Promise<{ exposures: number; exposedDevices: number }> {
  const exposures = exposuresOf(await identifyStore(store).identities(), await identifyStore(store).kevEntries(), opts);
  await identifyStore(store).replaceExposures(exposures);
  return { exposures: exposures.length, exposedDevices: new Set(exposures.map((e) => e.device)).size };
}
