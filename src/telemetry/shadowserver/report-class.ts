// What a Shadowserver report row says about its host: the class rule shared by the table
// generator (known types) and the reader (types the table does not know yet).

/**
 * - infected: the host talks to a sinkholed C2 or is listed as a compromised device (a bot).
 * - compromised: a breached server (compromised website, a site referring visitors to a
 *   sinkholed domain, web shell).
 * - c2: the host issues botnet commands or runs a post-exploitation framework; attacker
 *   infrastructure, not a hijacked victim we can count as a bot.
 * - attacker: a honeypot or network sensor saw the host attack, scan or brute-force. Often a bot,
 *   but the row alone does not say so (research scanners, rented servers, open proxies).
 * - target: the host was attacked (DDoS target, amplification victim).
 * - exposed: an Internet scan found a service or device on the host (scan_*, population_*,
 *   device_id, special, spoofing networks): vulnerable or identifiable, not compromised.
 * - listed: the host appears on a list (blocklist, malware/spam/sandbox URL hosts).
 * - observed: the host was seen but the row does not point at it (sinkhole DNS queries come
 *   mostly from resolvers).
 * - no-host: the report carries no host address (compromised accounts, ransomware victims).
 * - other: a name none of the rules knows.
 */
export type ReportClass =
  | 'infected'
  | 'compromised'
  | 'c2'
  | 'attacker'
  | 'target'
  | 'exposed'
  | 'listed'
  | 'observed'
  | 'no-host'
  | 'other';

/** Only these classes mean "the host itself is compromised". */
export const COMPROMISED_CLASSES: ReadonlySet<ReportClass> = new Set<ReportClass>(['infected', 'compromised']);

/** One Shadowserver report type as the generated table describes it. */
export interface ReportTypeInfo {
  cls: ReportClass;
  /** COMPROMISED_CLASSES.has(cls), spelled out so the table reads on its own. */
  compromised: boolean;
  /** Column holding the host the row is about; null when the report has none. */
  victim: 'ip' | 'src_ip' | 'dst_ip' | 'http_referer_ip' | null;
  /** IntelMQ classification.taxonomy / .type / .identifier (identifier when constant). */
  taxonomy?: string;
  type?: string;
  id?: string;
  /** Transport protocol IntelMQ sets as a constant; used when a row gives none. */
  transport?: string;
  /** A tag value that marks a row of this otherwise non-compromised type as compromised. */
  compromisedTag?: string;
}

// Ordered: the first matching rule decides. Names are Shadowserver file-name keys.
const CLASS_RULES: Array<[RegExp, ReportClass]> = [
  [/sinkhole6?_dns$/, 'observed'],
  // A web page linking to a sinkholed domain: the referring site carries injected content.
  [/^compromised_website|sinkhole_http_referer/, 'compromised'],
  [/sinkhole|drone|botnet|^compromised_iot|infect/, 'infected'],
  [/honeypot_ddos_(target|amp)$|ddos_victim/, 'target'],
  [/honeypot_ddos$|post_exploitation/, 'c2'],
  [/ip_spoofer/, 'exposed'],
  [/^event\d?_(honeypot|ddos_participant)|brute_force|darknet/, 'attacker'],
  [/^(scan|population|device_id|special)|openresolver|_scan$/, 'exposed'],
  [/blocklist|blacklist|_url$|^sandbox_/, 'listed'],
];

/** The class of a report type from its name; `hasHost` false gives 'no-host'. */
export function classifyReport(name: string, hasHost = true): ReportClass {
  if (!hasHost) return 'no-host';
  for (const [re, cls] of CLASS_RULES) if (re.test(name)) return cls;
  return 'other';
}

/**
 * Row-level exception: IntelMQ classifies an Exchange scan row tagged with a web shell as a
 * system compromise, so the generator records that tag for the exchange scans.
 */
export function compromisedTagFor(name: string): string | undefined {
  return /^scan6?_exchange$/.test(name) ? 'webshell' : undefined;
}
