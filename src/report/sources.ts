// Report inputs that other stages provide later: device identification (types, vendors, exploited
// CVEs with CISA KEV data) and remediation progress (notify). Each is optional; a section whose
// source is missing or returns nothing says "not available yet".

export interface DeviceCount {
  /** Device type as identification names it: router, camera, nas, ... */
  type: string;
  vendor?: string;
  /** Distinct victims of this type and vendor (each victim counted once overall). */
  count: number;
}

export interface KevEntry {
  /** Date CISA added it to the Known Exploited Vulnerabilities catalog, YYYY-MM-DD. */
  dateAdded: string;
  dueDate?: string;
  /** "Known" / "Unknown" use in ransomware campaigns, as the catalog says. */
  knownRansomwareUse?: string;
  /** The catalog's vulnerability name. */
  name?: string;
}

export interface CveCount {
  /** CVE-YYYY-NNNN. */
  cve: string;
  vendor?: string;
  product?: string;
  /** Distinct victims whose identified device is affected. */
  victims: number;
  /** Present when the CVE is in the KEV catalog. */
  kev?: KevEntry;
}

/** What identification and KEV data are asked for: the report's window and scope. */
export interface IdentificationScope {
  from?: number;
  to?: number;
  owner?: string;
  constituency?: import('../store/store.js').Constituency;
}

export interface IdentificationSource {
  devices(scope: IdentificationScope): Promise<DeviceCount[]>;
  cves(scope: IdentificationScope): Promise<CveCount[]>;
}

/** A free-form section (title, paragraphs, one table) other stages can add to the report. */
export interface ReportSection {
  id: string;
  title: string;
  paragraphs?: string[];
  table?: {
    columns: string[];
    rows: (string | number)[][];
  };
}

export interface ReportSources {
  identification?: IdentificationSource;
  /** Remediation summary (e.g. from notify's remediationSummary), already shaped as a section. */
  remediation?: (scope: { owner?: string; at?: number }) => Promise<ReportSection | undefined>;
}
