// Exposure's records (identified devices per vendor, product, device type or CVE, joined with the
// census's victims to say which were seen compromised). The queries are the identify stage's, in
// src/identify.
import type { Evidence } from '../core/model/identify.js';

/** Evidence as stored: the identify stage's, plus the file and line of the service it came from. */
export type StoredEvidence = Evidence & { file?: string; line?: number };

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
