// zgrab2 JSON lines: {"ip", "data": {<module>: {"status", "protocol", "result", "timestamp"}}}, one
// observation per module that returned a result (http/https, ssh, telnet, ftp, smtp, pop3, imap,
// banner, and any other module for its TLS certificate).
import { FieldError } from '../core/errors.js';
import { ipField, jsonLine, timeField } from '../core/fields.js';
import { dnToRecog, greetingText, hexFingerprint, htmlTitle, imapGreeting, pop3Greeting, pruneEmpty, sshSoftware, telnetText } from './banners.js';
import { deviceIdFromBanners } from './device-id.js';
import { at, firstJson, headerAt, isObject, objAt, strAt, type Json } from './json-walk.js';
import type { ScanFormat } from './scan-reader.js';
import type { ServiceObservation } from '../core/model/service.js';

/** The parsed leaf certificate under any `handshake_log` of a module result. */
function leafCertificate(result: Json): Json | undefined {
  for (const path of ['tls.handshake_log', 'response.request.tls_log.handshake_log', 'tls_log.handshake_log', 'handshake_log']) {
    const parsed = objAt(result, path + '.server_certificates.certificate.parsed');
    if (parsed) return parsed;
  }
  return undefined;
}

function moduleObservation(name: string, mod: Json, ip: bigint): ServiceObservation | undefined {
  const result = objAt(mod, 'result');
  if (!result) return undefined; // a failed module (timeout, refused) has nothing to identify
  const protocol = (typeof mod['protocol'] === 'string' ? mod['protocol'] : name).toLowerCase();
  const ts = Math.floor(timeField(mod['timestamp'] as string | undefined, `data.${name}.timestamp`)); // whole ms, as every observation
  const obs: ServiceObservation = { ts, ip, transport: 'tcp', protocol, source: 'zgrab2', banners: {} };
  const b = obs.banners;
  switch (protocol) {
    case 'http': {
      const response = objAt(result, 'response');
      const headers = objAt(response, 'headers');
      const server = headerAt(headers, 'server');
      if (server) b['http_header.server'] = server;
      const auth = headerAt(headers, 'www_authenticate');
      if (auth) b['http_header.wwwauth'] = auth;
      const powered = headerAt(headers, 'x_powered_by');
      if (powered) b['http_header.x-powered-by'] = powered;
      const title = htmlTitle(strAt(response, 'body'));
      if (title) b['html_title'] = title;
      if (strAt(response, 'request.url.scheme') === 'https') obs.protocol = 'https';
      const host = strAt(response, 'request.url.host');
      const port = host ? /:(\d{1,5})$/.exec(host)?.[1] : undefined;
      if (port) obs.port = Number(port);
      break;
    }
    case 'ssh': {
      const id = strAt(result, 'server_id.raw');
      if (id) b['ssh.banner'] = sshSoftware(id);
      const key = at(result, 'key_exchange.server_host_key.fingerprint_sha256') ?? at(result, 'server_key_exchange.server_host_key.fingerprint_sha256');
      obs.sshHostKeySha256 = hexFingerprint(key);
      break;
    }
    case 'telnet':
      if (typeof result['banner'] === 'string') b['telnet.banner'] = telnetText(result['banner']);
      break;
    case 'ftp':
      if (typeof result['banner'] === 'string') b['ftp.banner'] = greetingText(result['banner']);
      break;
    case 'smtp':
      if (typeof result['banner'] === 'string') b['smtp.banner'] = greetingText(result['banner']);
      break;
    case 'pop3':
      if (typeof result['banner'] === 'string') b['pop3.banner'] = pop3Greeting(result['banner']);
      break;
    case 'imap':
      if (typeof result['banner'] === 'string') b['imap4.banner'] = imapGreeting(result['banner']);
      break;
  }
  const cert = leafCertificate(result);
  if (cert) {
    obs.certSha256 = hexFingerprint(cert['fingerprint_sha256']);
    const subject = strAt(cert, 'subject_dn');
    if (subject) b['x509.subject'] = dnToRecog(subject);
    const issuer = strAt(cert, 'issuer_dn');
    if (issuer) b['x509.issuer'] = dnToRecog(issuer);
  }
  pruneEmpty(b);
  obs.deviceIdHint = deviceIdFromBanners(b);
  return obs;
}

export const zgrab2Scan: ScanFormat = {
  name: 'zgrab2',
  detect(_fileName, head) {
    const first = firstJson(head);
    return isObject(first) && typeof first['ip'] === 'string' && isObject(first['data']);
  },
  create() {
    return {
      parse(line) {
        const rec = jsonLine(line);
        const ip = ipField(rec['ip'] as string | undefined, 'ip');
        const data = rec['data'];
        if (!isObject(data)) throw new FieldError('data', 'missing module results');
        const out: ServiceObservation[] = [];
        for (const [name, mod] of Object.entries(data)) {
          if (!isObject(mod)) throw new FieldError(`data.${name}`, 'module result is not an object');
          const obs = moduleObservation(name, mod, ip);
          if (obs) out.push(obs);
        }
        return out;
      },
    };
  },
};
