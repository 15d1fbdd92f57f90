// Censys host JSON lines (search v2 host view / bulk snapshot): {"ip", "services": [{port,
// service_name, banner, http.response…, tls.certificates…, ssh.server_host_key…, software[]}]},
// one observation per service. An API envelope {"result": {…host…}} is accepted too.
import { FieldError } from '../core/errors.js';
import { ipField, jsonLine, portField, timeField } from '../core/fields.js';
import { dnToRecog, greetingText, hexFingerprint, htmlTitle, pop3Greeting, pruneEmpty, sshSoftware, telnetText } from './banners.js';
import { cpeToCpe23 } from './cpe.js';
import { deviceIdFromBanners } from './device-id.js';
import { firstJson, headerAt, isObject, objAt, strAt, type Json } from './json-walk.js';
import type { ScanFormat } from './scan-reader.js';
import type { ServiceObservation, SourceHint } from '../core/model/service.js';

function hintsOf(service: Json): SourceHint | undefined {
  const software = service['software'];
  if (!Array.isArray(software) || software.length === 0) return undefined;
  const entries = software.filter(isObject);
  // Hardware says most about the device, then the OS, then the application.
  const rank = (e: Json) => ({ h: 0, o: 1, a: 2 })[strAt(e, 'part') ?? 'a'] ?? 3;
  const best = [...entries].sort((a, b) => rank(a) - rank(b))[0];
  const cpes = entries
    .map((e) => strAt(e, 'uniform_resource_identifier'))
    .filter((c): c is string => c !== undefined)
    .map((c) => cpeToCpe23(c) ?? c);
  const part = best && strAt(best, 'part');
  return {
    part: part === 'h' || part === 'o' || part === 'a' ? part : undefined,
    vendor: best && strAt(best, 'vendor'),
    product: best && strAt(best, 'product'),
    version: best && strAt(best, 'version'),
    deviceType: best && strAt(best, 'other.device'),
    cpe23: cpes.length ? [...new Set(cpes)] : undefined,
  };
}

function serviceObservation(s: Json, i: number, ip: bigint, hostTs: string | undefined): ServiceObservation {
  const where = `services[${i}]`;
  const port = portField(s['port'] as number | undefined, `${where}.port`);
  const ts = Math.floor(timeField((strAt(s, 'observed_at') ?? hostTs) as string, `${where}.observed_at`)); // sub-millisecond fractions (Censys nanoseconds) are cut
  const name = (strAt(s, 'extended_service_name') ?? strAt(s, 'service_name') ?? 'unknown').toLowerCase();
  const protocol = name === 'unknown' ? 'banner' : name;
  const transport = strAt(s, 'transport_protocol')?.toLowerCase() === 'udp' ? 'udp' : 'tcp';
  const obs: ServiceObservation = { ts, ip, port, transport, protocol, source: 'censys', banners: {} };
  const b = obs.banners;
  const banner = strAt(s, 'banner');
  const response = objAt(s, 'http.response');
  if (response) {
    const headers = objAt(response, 'headers');
    const server = headerAt(headers, 'server');
    if (server) b['http_header.server'] = server;
    const auth = headerAt(headers, 'www_authenticate');
    if (auth) b['http_header.wwwauth'] = auth;
    const powered = headerAt(headers, 'x_powered_by');
    if (powered) b['http_header.x-powered-by'] = powered;
    const title = strAt(response, 'html_title') ?? htmlTitle(strAt(response, 'body'));
    if (title) b['html_title'] = title.trim();
  }
  if (protocol === 'ssh') {
    const id = strAt(s, 'ssh.endpoint_id.raw') ?? banner;
    if (id) b['ssh.banner'] = sshSoftware(id);
    obs.sshHostKeySha256 = hexFingerprint(strAt(s, 'ssh.server_host_key.fingerprint_sha256'));
  } else if (banner && protocol === 'telnet') b['telnet.banner'] = telnetText(banner);
  else if (banner && protocol === 'ftp') b['ftp.banner'] = greetingText(banner);
  else if (banner && protocol === 'smtp') b['smtp.banner'] = greetingText(banner);
  else if (banner && protocol === 'pop3') b['pop3.banner'] = pop3Greeting(banner);
  const certs = objAt(s, 'tls.certificates');
  if (certs) {
    obs.certSha256 = hexFingerprint(strAt(certs, 'leaf_fp_sha_256'));
    const subject = strAt(certs, 'leaf_data.subject_dn');
    if (subject) b['x509.subject'] = dnToRecog(subject);
    const issuer = strAt(certs, 'leaf_data.issuer_dn');
    if (issuer) b['x509.issuer'] = dnToRecog(issuer);
  }
  obs.hints = hintsOf(s);
  pruneEmpty(b);
  obs.deviceIdHint = deviceIdFromBanners(b);
  return obs;
}

export const censysScan: ScanFormat = {
  name: 'censys',
  detect(_fileName, head) {
    const first = firstJson(head);
    const host = isObject(first) && isObject(first['result']) ? first['result'] : first;
    return isObject(host) && typeof host['ip'] === 'string' && Array.isArray(host['services']);
  },
  create() {
    return {
      parse(line) {
        const rec = jsonLine(line);
        const host = isObject(rec['result']) ? rec['result'] : rec;
        const ip = ipField(host['ip'] as string | undefined, 'ip');
        const services = host['services'];
        if (!Array.isArray(services)) throw new FieldError('services', 'missing services list');
        const hostTs = strAt(host, 'last_updated_at');
        return services.map((s, i) => {
          if (!isObject(s)) throw new FieldError(`services[${i}]`, 'not an object');
          return serviceObservation(s, i, ip, hostTs);
        });
      },
    };
  },
};
