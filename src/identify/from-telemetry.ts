// Passive and report sources as service observations: the server side of Zeek/Suricata HTTP and TLS
// records (Server header, certificate), their client side (User-Agent, SNI), and Shadowserver
// scan/device rows (their banner, certificate and device-id columns).
import type { HttpRecord, ReportRecord, TlsRecord } from '../core/model/telemetry.js';
import { dnFromParts, dnToRecog, greetingText, hexFingerprint, pruneEmpty, sshSoftware, telnetText } from './banners.js';
import type { ServiceObservation, SourceHint } from '../core/model/service.js';

/** An HTTP transaction's server, when the response named its software; `source` e.g. "zeek-http". */
export function fromHttpRecord(r: HttpRecord, source: string): ServiceObservation | undefined {
  if (!r.serverHeader) return undefined;
  return { ts: r.ts, ip: r.server, port: r.dport, transport: 'tcp', protocol: 'http', source, banners: { 'http_header.server': r.serverHeader } };
}

/** A TLS server's certificate; `source` e.g. "zeek-ssl". */
export function fromTlsRecord(r: TlsRecord, source: string): ServiceObservation | undefined {
  if (!r.certSha256 && !r.subject) return undefined;
  const banners: ServiceObservation['banners'] = {};
  if (r.subject) banners['x509.subject'] = dnToRecog(r.subject);
  if (r.issuer) banners['x509.issuer'] = dnToRecog(r.issuer);
  return { ts: r.ts, ip: r.server, port: r.dport, transport: 'tcp', protocol: 'tls', source, banners, certSha256: hexFingerprint(r.certSha256) };
}

/**
 * The client of an HTTP transaction by its User-Agent: device firmware names itself when it fetches
 * updates or scripts ("Mikrotik/6.x Fetch"). Matched under the built-in http_user_agents.xml.
 */
export function fromHttpClient(r: HttpRecord, source: string): ServiceObservation | undefined {
  if (!r.userAgent) return undefined;
  return { ts: r.ts, ip: r.client, transport: 'tcp', protocol: 'http-client', source, banners: { 'http_header.user_agent': r.userAgent } };
}

/** The client of a TLS connection by the name it asked for (a vendor's update host); built-in tls_sni.xml. */
export function fromTlsClient(r: TlsRecord, source: string): ServiceObservation | undefined {
  if (!r.sni) return undefined;
  return { ts: r.ts, ip: r.client, transport: 'tcp', protocol: 'tls-client', source, banners: { 'tls.sni': r.sni } };
}

const REPORT_PROTOCOLS: Record<string, string> = { scan_http: 'http', scan_ssl: 'https', scan_ssh: 'ssh', scan_telnet: 'telnet', scan_ftp: 'ftp', device_id: 'banner' };

const SUBJECT_COLUMNS: Record<string, string> = {
  subject_serial_number: 'SERIALNUMBER', subject_common_name: 'CN', subject_organization_unit_name: 'OU',
  subject_organization_name: 'O', subject_locality_name: 'L', subject_state_or_province_name: 'ST', subject_country: 'C',
};

/**
 * The `extra` columns fromReportRecord reads. A report row with none of them and no device_*
 * column describes no device, so the store need not hand it over (passiveServices).
 */
export const REPORT_DEVICE_EXTRA = [
  'banner', 'server', 'server_type', 'www_authenticate', 'serverid_raw', 'server_host_key_sha256', 'sha256_fingerprint',
  ...Object.keys(SUBJECT_COLUMNS),
];

/** A Shadowserver row about a host (scan_* and device_id reports) as an observation. */
export function fromReportRecord(r: ReportRecord, source = 'shadowserver'): ServiceObservation {
  // Of `extra`, only REPORT_DEVICE_EXTRA: the store hands over no row without one of them.
  const x = r.extra;
  const protocol = REPORT_PROTOCOLS[r.reportType] ?? r.reportType;
  const transport = r.protocol === 'udp' ? 'udp' : r.protocol === 'tcp' ? 'tcp' : undefined;
  const obs: ServiceObservation = { ts: r.ts, ip: r.ip, port: r.port, transport, protocol, source, banners: {} };
  const b = obs.banners;
  // Shadowserver writes line breaks inside banners as "|".
  const banner = x['banner']?.replace(/\|/g, '\r\n');
  if (banner && protocol === 'telnet') b['telnet.banner'] = telnetText(banner);
  if (banner && protocol === 'ftp') b['ftp.banner'] = greetingText(banner);
  const server = x['server'] || x['server_type'];
  if (server) b['http_header.server'] = server;
  if (x['www_authenticate']) b['http_header.wwwauth'] = x['www_authenticate'];
  if (x['serverid_raw']) b['ssh.banner'] = sshSoftware(x['serverid_raw']);
  obs.sshHostKeySha256 = hexFingerprint(x['server_host_key_sha256']);
  obs.certSha256 = hexFingerprint(x['sha256_fingerprint']);
  const parts: Record<string, string> = {};
  for (const [col, label] of Object.entries(SUBJECT_COLUMNS)) if (x[col]) parts[label] = x[col]!;
  const subject = dnFromParts(parts);
  if (subject) b['x509.subject'] = subject;
  const hint: SourceHint = { part: 'h', vendor: r.deviceVendor, product: r.deviceModel, version: r.deviceVersion, deviceType: r.deviceType };
  if (r.deviceVendor || r.deviceModel || r.deviceVersion || r.deviceType) obs.hints = hint;
  pruneEmpty(b);
  if (r.deviceId) obs.deviceIdHint = r.deviceId;
  return obs;
}
