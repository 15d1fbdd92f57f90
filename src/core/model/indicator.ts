// The indicator model every intel format produces.

export type IndicatorType =
  | 'ip' // a single IPv4 or IPv6 address
  | 'cidr' // an address range
  | 'ip-port' // an address with a port: only traffic to/from that port matches
  | 'domain' // a domain: the name and every subdomain match
  | 'url' // a URL: matches HTTP host + path; its host also yields a domain indicator
  | 'cert-sha256' // TLS certificate SHA-256 fingerprint (lower-case hex, no colons)
  | 'cert-sha1' // TLS certificate SHA-1 fingerprint
  | 'file-sha256' // hash of a payload file: kept and exported, never matched against network telemetry
  | 'file-sha1'
  | 'file-md5';

export interface IndicatorRecord {
  type: IndicatorType;
  /** Canonical text: formatted address or CIDR, "ip:port" ("[v6]:port"), lower-case domain, URL, hex. */
  value: string;
  /** For ip, cidr and ip-port: inclusive integer range from core/ip. */
  lo?: bigint;
  hi?: bigint;
  port?: number;
  /** Lower-case domain for domain indicators, and the host of url indicators. */
  domain?: string;
  /** Free labels: tiers, malware family, TLP, MISP tags, STIX labels. */
  tags: string[];
  /** Category/type column or STIX indicator_types, e.g. "c2", "botnet". */
  category?: string;
  /** A comment or description from the source. */
  description?: string;
  /** Validity window, epoch ms; open ends are undefined. */
  firstSeen?: number;
  lastSeen?: number;
  /** The validity window as the source wrote it in prose ("Feb. 7 – May 6 2022"), beside the parsed firstSeen/lastSeen. */
  timeframe?: string;
  /** False when the source says not for detection (MISP to_ids=false). */
  forDetection: boolean;
  /** 1-based line (or object index for JSON formats) it came from. */
  line: number;
}

/** A part of an intel file that is not an indicator: reported to the user, never silently dropped. */
export interface SkippedSection {
  /** First and last 1-based line of the section. */
  fromLine: number;
  toLine: number;
  /** What it is: "free text", "YARA rule", "unsupported STIX pattern", ... */
  reason: string;
  /** First characters of the section. */
  sample: string;
}

/** A benign entry from a MISP warninglist. */
export interface WarningEntry {
  /** The list's name, e.g. "List of known IPv4 public DNS resolvers". */
  list: string;
  kind: 'cidr' | 'domain';
  lo?: bigint;
  hi?: bigint;
  domain?: string;
  value: string;
}

export interface IntelParseResult {
  indicators: IndicatorRecord[];
  skipped: SkippedSection[];
  /** Lines that looked like indicators but could not be read, with the reason. */
  rejected: { line: number; field?: string; reason: string; raw: string }[];
  warnings: WarningEntry[];
}
