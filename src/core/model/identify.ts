// What device identification produces: identities of services and devices, with the evidence behind
// each field, and the keys that several addresses shared (never merged). Matching is in src/identify.

export type DeviceType =
  | 'router'
  | 'firewall'
  | 'ip-camera'
  | 'dvr'
  | 'nvr'
  | 'nas'
  | 'access-point'
  | 'modem'
  | 'switch'
  | 'printer'
  | 'voip'
  | 'other';

export interface Evidence {
  source: string;
  /** Recog key the banner was matched under, or "hint" for the source's own label. */
  key: string;
  banner: string;
  /** Description of the fingerprint that matched (or what the hint was). */
  fingerprint: string;
  /** Fingerprint file the match came from. */
  database?: string;
  certainty: number;
  params: Record<string, string>;
  port?: number;
  protocol: string;
  ts: number;
}

export interface FieldConflict {
  field: string;
  chosen: string;
  others: { value: string; certainty: number; evidence: number }[];
}

export interface OsIdentity {
  vendor?: string;
  product?: string;
  version?: string;
  family?: string;
}

export interface Identity {
  vendor?: string;
  product?: string;
  /** Firmware version: the version of the device's own OS (RouterOS 6.48.6, DIR-859 firmware 1.06). */
  version?: string;
  /** Hardware revision (hw.version), when a banner states it. */
  hwVersion?: string;
  deviceType?: DeviceType;
  /** The label the evidence used ("Broadband Router", "WAP"…). */
  deviceLabel?: string;
  os?: OsIdentity;
  cpe23: string[];
  /** Certainty of the chosen vendor (else product, else device type); 0 when nothing was identified. */
  certainty: number;
  evidence: Evidence[];
  conflicts: FieldConflict[];
  /** Serial numbers and MAC addresses seen ("mac:…", "sn:…"). */
  deviceIds: string[];
}

export interface ServiceIdentity extends Identity {
  ip: bigint;
  port?: number;
  protocol: string;
  source: string;
  ts: number;
  service?: { vendor?: string; product?: string; version?: string };
}

export interface DeviceIdentity extends Identity {
  ips: bigint[];
  services: number;
  firstSeen: number;
  lastSeen: number;
}

export type IdentityKind = 'ssh-host-key' | 'tls-cert' | 'device-id';

export interface SharedKey {
  key: string;
  kind: IdentityKind;
  /** Distinct addresses over the whole input. */
  ips: number;
  /** Most distinct addresses within one simultaneity window. */
  maxSimultaneousIps: number;
}
