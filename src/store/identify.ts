// The identify part of the store contract: scanned and passively seen services, the devices
// identified from them (with the addresses each held), the KEV catalog and the exposures found.
import type { DeviceIdentity, Evidence, Identity, SharedKey } from '../core/model/identify.js';
import type { KevCatalog, KevEntry, KevMatch } from '../core/model/kev.js';
import type { ServiceObservation } from '../core/model/service.js';
import type { HttpRecord, ReportRecord, TlsRecord } from '../core/model/telemetry.js';
import type { ImportMeta, LineCounts } from './store.js';

/** A service to store: one observation, or several identical ones folded together (passive sources). */
export interface ServiceInput extends ServiceObservation {
  /** Last time seen, when records were folded together (default: ts). */
  lastTs?: number;
  /** Records folded into this one (default 1). */
  events?: number;
}

/** A stored service, with where it came from. */
export interface StoredService extends ServiceInput {
  importId: number;
  file: string;
  line: number;
  lastTs: number;
  events: number;
}

/** Receives a scan file's observations in batches, inside the import's transaction. */
export type ScanFeed = (write: (services: ServiceObservation[]) => Promise<void>) => Promise<LineCounts>;

/** A passive row of a telemetry import, folded per host, content and hour. */
export type PassiveRecord = (HttpRecord | TlsRecord | ReportRecord) & { lastTs: number; events: number };

/** Evidence as stored: the identify stage's, plus the file and line of the service it came from. */
export type StoredEvidence = Evidence & { file?: string; line?: number };

/** One device as identified: its key, its identity, and the addresses it held when. */
export interface DeviceRecord {
  /** "ssh:…", "cert:…", "id:…" for a stable identity; "ip:<address>" for an address without one. */
  device: string;
  stable: boolean;
  keys: string[];
  identity: DeviceIdentity;
  addresses: { ip: bigint; firstSeen: number; lastSeen: number }[];
}

export interface ExposureRecord {
  device: string;
  match: Pick<KevMatch, 'cveID' | 'level' | 'matchedOn' | 'component' | 'versionCheck' | 'versionNote' | 'evidence'>;
}

export interface KevInfo {
  entries: number;
  catalogVersion?: string;
  dateReleased?: string;
  file?: string;
  importedAt?: Date;
}

export type ExposureDimension = 'vendor' | 'product' | 'device' | 'cve';

export interface ExposureQuery {
  by: ExposureDimension;
  /** Only devices with at least one KEV exposure. */
  kevOnly?: boolean;
  top?: number;
}

export interface ExposureRow {
  key: string;
  label: string;
  /** Identified devices in the group. */
  devices: number;
  /** …of which carry at least one KEV entry. */
  exposed: number;
  /** …of which were seen compromised (sightings on an address they held). */
  compromised: number;
  exposedCompromised: number;
  /** Exposed devices whose version was checked against the entry's affected versions. */
  versionConfirmed: number;
}

export interface ExposureResult {
  by: ExposureDimension;
  kevOnly: boolean;
  rows: ExposureRow[];
  /** Rows beyond `top`, folded (counts may overlap for the multi-valued cve dimension). */
  others?: ExposureRow;
  totals: {
    devices: number;
    exposed: number;
    compromised: number;
    exposedCompromised: number;
    /** Devices known by a stable identity, and the addresses they span. */
    stableDevices: number;
    stableAddresses: number;
    /** Addresses behind the devices counted. */
    addresses: number;
  };
  kev?: KevInfo;
}

export interface ExposedDevice {
  device: string;
  stable: boolean;
  vendor?: string;
  product?: string;
  version?: string;
  deviceType?: string;
  cpe23: string[];
  addresses: string[];
  compromised: boolean;
  exposures: { cveID: string; name?: string; level: string; matchedOn: string; versionNote?: string; evidence: string[] }[];
  evidence: StoredEvidence[];
}

export interface IdentifySummary {
  services: number;
  devices: number;
  identified: number;
  stableDevices: number;
  stableAddresses: number;
  /** Addresses folded into another address's device. */
  addressesCollapsed: number;
  sharedKeys: number;
  exposures: number;
  exposedDevices: number;
  byType: { type: string; devices: number }[];
}

export interface IdentifyStore {
  /** Imports a scan file's observations as services in one transaction (like importTelemetry). */
  importScan(meta: ImportMeta, feed: ScanFeed, check: (c: LineCounts) => void): Promise<{ importId: number; counts: LineCounts; services: number }>;
  /** Telemetry imports whose passive rows have not been turned into services yet. */
  pendingPassiveImports(): Promise<number[]>;
  /**
   * Turns one telemetry import's passive rows (the HTTP, TLS and report rows that can describe a
   * device, folded per host/content/hour) into services with `convert`, replacing earlier ones, and
   * marks the import done, in one transaction. The rows reach `convert` in batches, so memory does
   * not grow with the import. Returns the number of services.
   */
  derivePassiveServices(
    importId: number,
    convert: (format: string, records: PassiveRecord[]) => ServiceInput[],
    /** Report rows with no device_* column and none of these `extra` keys are not handed to `convert`. */
    reportExtraKeys?: string[],
  ): Promise<number>;
  services(): Promise<StoredService[]>;
  /** Replaces devices, their addresses, shared keys and exposures, in one transaction. */
  saveIdentification(devices: DeviceRecord[], shared: SharedKey[], exposures: ExposureRecord[]): Promise<void>;
  /** The stored identities, for matching them against a new KEV catalog. */
  identities(): Promise<{ device: string; identity: Identity }[]>;
  replaceExposures(exposures: ExposureRecord[]): Promise<void>;
  /** Replaces the KEV catalog (one transaction) and records the import. */
  importKev(meta: ImportMeta, catalog: KevCatalog): Promise<{ importId: number }>;
  kevEntries(): Promise<KevEntry[]>;
  kevInfo(): Promise<KevInfo | undefined>;
  exposure(q: ExposureQuery): Promise<ExposureResult>;
  exposedDevices(q: { kevOnly?: boolean; cve?: string; limit?: number }): Promise<ExposedDevice[]>;
  summary(): Promise<IdentifySummary>;
  /** External fingerprint folders identification uses besides the built-in rules (remembered across runs). */
  fingerprintDirs(): Promise<string[]>;
  setFingerprintDirs(dirs: string[]): Promise<void>;
}
