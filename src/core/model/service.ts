// One observed service of a host (from an active scan or a passive source), in the shape the
// device-identification stage reads: banners keyed by the Recog database they are matched against.

/**
 * The Recog `matches` keys this stage feeds. The values in `ServiceObservation.banners` are already
 * normalised the way Recog's databases expect them (see banners.ts): FTP/SMTP greetings without the
 * reply code, the SSH software string without "SSH-2.0-", X.509 names as "CN=…,O=…,C=…".
 */
export const RECOG_KEYS = [
  'http_header.server',
  'http_header.wwwauth', // WWW-Authenticate; Recog's http_wwwauth.xml uses this key
  'http_header.x-powered-by',
  'http_header.cookie',
  'html_title',
  'ssh.banner',
  'telnet.banner', // Recog's telnet_banners.xml has no `matches`; the loader maps its key here
  'ftp.banner',
  'smtp.banner',
  'pop3.banner',
  'imap4.banner',
  'x509.subject',
  'x509.issuer',
  'snmp.sys_description',
  'rtsp_header.server',
  'sip_header.server',
  'tls.jarm',
  'http_header.user_agent', // the client's User-Agent (passive HTTP); built-in http_user_agents.xml
  'tls.sni', // the name a TLS client asked for (passive TLS); built-in tls_sni.xml
] as const;

export type RecogKey = (typeof RECOG_KEYS)[number];

export function isRecogKey(key: string): key is RecogKey {
  return (RECOG_KEYS as readonly string[]).includes(key);
}

/** What the source itself claims about the service (Shodan `product`, Censys `software[]`). */
export interface SourceHint {
  /** What vendor/product/version describe: hardware, operating system or application (CPE part). */
  part?: 'h' | 'o' | 'a';
  vendor?: string;
  product?: string;
  version?: string;
  /** The source's device type label, e.g. Shodan "webcam", "router". */
  deviceType?: string;
  os?: string;
  /** CPE 2.3 strings (converted from 2.2 URIs where the source gave those). */
  cpe23?: string[];
}

export interface ServiceObservation {
  /** When the service was seen, epoch ms UTC. */
  ts: number;
  /** The host, from core/ip parseIp (IPv4-mapped). */
  ip: bigint;
  port?: number;
  transport?: 'tcp' | 'udp';
  /** Lower-case application protocol: http, https, ssh, telnet, ftp, smtp, pop3, banner, amqp… */
  protocol: string;
  /** Where the observation came from: zgrab2, shodan, censys, zeek-http, suricata-http, zeek-ssl, shadowserver. */
  source: string;
  banners: Partial<Record<RecogKey, string>>;
  /** Lower-case hex SHA-256 of the server's leaf certificate, no colons. */
  certSha256?: string;
  /** Lower-case hex SHA-256 of the SSH host key blob, no colons. */
  sshHostKeySha256?: string;
  /** A serial number, MAC or vendor device id seen in a banner or report. */
  deviceIdHint?: string;
  hints?: SourceHint;
  /** The 1-based line of the file it came from (set by the reader base). */
  line?: number;
}
