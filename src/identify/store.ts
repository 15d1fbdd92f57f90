// The identify stage's view of the store: its own queries (services, devices, KEV, exposure,
// settings), written once over the driver contract; exposure asks the census which devices it
// saw compromised.
import type { Identity, SharedKey } from '../core/model/identify.js';
import type { KevCatalog, KevEntry } from '../core/model/kev.js';
import type { ExposedDevice, ExposureQuery, ExposureResult } from '../store/identify.js';
import type { ImportMeta, LineCounts, Store } from '../store/store.js';
import { identifySummary, identities, replaceExposures, saveIdentification } from './devices-sql.js';
import { compromisedDevices, exposedDevices, exposure } from './exposure-sql.js';
import { importKev, kevEntries, kevInfo, type KevInfo } from './kev-sql.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { derivePassiveServices, importScan, pendingPassiveImports, services } from './services-sql.js';
import type { DeviceRecord, ExposureRecord, IdentifySummary, PassiveRecord, ScanFeed, ServiceInput, StoredService } from './store-types.js';

/** An exposure answer with the KEV catalog it was computed against. */
export type ExposureReport = ExposureResult & { kev?: KevInfo };

export interface IdentifyStore {
  /** Imports a scan file's observations as services, all at once or not at all (like a telemetry import). */
  importScan(meta: ImportMeta, feed: ScanFeed, check: (c: LineCounts) => void): Promise<{ importId: number; counts: LineCounts; services: number }>;
  /** Telemetry imports whose passive rows have not been turned into services yet. */
  pendingPassiveImports(): Promise<number[]>;
  /** See services-sql.ts. */
  derivePassiveServices(importId: number, convert: (format: string, records: PassiveRecord[]) => ServiceInput[], reportExtraKeys?: string[]): Promise<number>;
  services(): Promise<StoredService[]>;
  /** Replaces devices, their addresses, shared keys and exposures, all at once. */
  saveIdentification(devices: DeviceRecord[], shared: SharedKey[], exposures: ExposureRecord[]): Promise<void>;
  /** The stored identities, for matching them against a new KEV catalog. */
  identities(): Promise<{ device: string; identity: Identity }[]>;
  replaceExposures(exposures: ExposureRecord[]): Promise<void>;
  /** Replaces the KEV catalog and records the import, all at once. */
  importKev(meta: ImportMeta, catalog: KevCatalog): Promise<{ importId: number }>;
  kevEntries(): Promise<KevEntry[]>;
  kevInfo(): Promise<KevInfo | undefined>;
  exposure(q: ExposureQuery): Promise<ExposureReport>;
  exposedDevices(q: { kevOnly?: boolean; cve?: string; limit?: number }): Promise<ExposedDevice[]>;
  summary(): Promise<IdentifySummary>;
  /** External fingerprint folders identification uses besides the built-in rules (remembered across runs). */
  fingerprintDirs(): Promise<string[]>;
  setFingerprintDirs(dirs: string[]): Promise<void>;
}

const FINGERPRINT_DIRS = 'identify_fingerprints';

/** The identify stage's queries over a store. */
export function identifyStore(store: Store): IdentifyStore {
  const d = store.driver;
  return {
    importScan: (meta, feed, check) => importScan(store, meta, feed, check),
    pendingPassiveImports: () => pendingPassiveImports(d),
    derivePassiveServices: (importId, convert, keys) => derivePassiveServices(d, importId, convert, keys),
    services: () => services(d),
    saveIdentification: (devices, shared, exposures) => saveIdentification(d, devices, shared, exposures),
    identities: () => identities(d),
    replaceExposures: (rows) => d.atomically(() => replaceExposures(d, rows)),
    importKev: (meta, catalog) => importKev(store, meta, catalog),
    kevEntries: () => kevEntries(d),
    kevInfo: () => kevInfo(d),
    exposure: async (q) => ({ ...(await exposure(d, q, await compromisedDevices(store))), kev: await kevInfo(d) }),
    exposedDevices: async (q) => exposedDevices(d, q, await compromisedDevices(store)),
    summary: () => identifySummary(d),
    async fingerprintDirs() {
      const value = await readMeta(d, FINGERPRINT_DIRS);
      return value ? (JSON.parse(value) as string[]) : [];
    },
    setFingerprintDirs: (dirs) => writeMeta(d, FINGERPRINT_DIRS, JSON.stringify(dirs)),
  };
}
