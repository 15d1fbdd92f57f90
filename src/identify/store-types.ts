// The identify stage's records as they are stored and read back: services in (scans and passive
// rows), the devices of an identification run, their exposures, and the summary of a run.
import type { DeviceIdentity } from '../core/model/identify.js';
import type { KevMatch } from '../core/model/kev.js';
import type { ServiceObservation } from '../core/model/service.js';
import type { HttpRecord, ReportRecord, TlsRecord } from '../core/model/telemetry.js';
import type { LineCounts } from '../store/store.js';

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
