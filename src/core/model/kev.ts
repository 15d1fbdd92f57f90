// The CISA Known Exploited Vulnerabilities catalog as read (src/identify/kev.ts) and a device's
// match against one of its entries (src/identify/kev-match.ts).
import type { DeviceType } from './identify.js';

export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD */
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  dueDate: string;
  /** "Known" or "Unknown". */
  knownRansomwareCampaignUse: string;
  notes: string;
  cwes: string[];
}

export interface KevRejected {
  /** 1-based entry index (JSON) or line number (CSV). */
  at: number;
  field?: string;
  reason: string;
}

export interface KevCatalog {
  catalogVersion?: string;
  dateReleased?: string;
  entries: KevEntry[];
  rejected: KevRejected[];
}

export interface VersionRule {
  /** lt: versions before the bound; le: up to and including it. */
  op: 'lt' | 'le';
  bound: string;
  /** Inclusive lower bound of a "X through Y" range. */
  from?: string;
  /** The words as written, for evidence. */
  statement: string;
  /** Up to 80 characters before the statement in the same sentence, to tell which product it is about. */
  context: string;
}

export type KevMatchedOn = 'cpe' | 'model' | 'product' | 'device-type' | 'vendor';

export interface KevComponent {
  kind: 'device' | 'os' | 'service' | 'cpe';
  vendor: string;
  product?: string;
  version?: string;
  type?: DeviceType;
}

export interface KevMatch {
  cveID: string;
  entry: KevEntry;
  /** "version": the device version was checked against the entry's affected versions. */
  level: 'version' | 'product-level';
  matchedOn: KevMatchedOn;
  component: KevComponent;
  versionCheck?: { version: string; rule: VersionRule; affected: boolean };
  /** Why no version check was made, when none was. */
  versionNote?: string;
  evidence: string[];
}
