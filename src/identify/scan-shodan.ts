// Shodan banner JSON lines (the export/stream format): one service per line with `ip_str`, `port`,
// `transport`, `timestamp`, raw `data`, and protocol objects `http`, `ssl`, `ssh`, plus Shodan's own
// `product`/`version`/`devicetype`/`cpe23` kept as hints.
import { createHash } from 'node:crypto';
import { FieldError } from '../core/errors.js';
import { ipField, jsonLine, portField, timeField } from '../core/fields.js';
import { decodeEntities, dnFromParts, greetingText, hexFingerprint, parseRawHeaders, pop3Greeting, pruneEmpty, sshSoftware, telnetText } from './banners.js';
import { cpeToCpe23 } from './cpe.js';
import { deviceIdFromBanners } from './device-id.js';
import { firstJson, isObject, objAt, strAt, type Json } from './json-walk.js';
import type { ScanFormat } from './scan-reader.js';
import type { ServiceObservation, SourceHint } from '../core/model/service.js';

const PORT_PROTOCOLS: Record<number, string> = { 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 80: 'http', 110: 'pop3', 143: 'imap', 443: 'https', 554: 'rtsp' };

function protocolOf(rec: Json, port: number | undefined): string {
  const mod = strAt(rec, '_shodan.module');
  if (mod && mod !== 'auto') return mod.toLowerCase().split('-')[0]!;
  if (isObject(rec['http'])) return isObject(rec['ssl']) ? 'https' : 'http';
  if (isObject(rec['ssh'])) return 'ssh';
  return (port !== undefined && PORT_PROTOCOLS[port]) || 'banner';
}

/** The first reply of a multi-reply capture (Shodan appends HELP/EHLO answers to FTP and SMTP greetings). */
export function firstReply(raw: string): string {
  const lines = raw.split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    out.push(line);
    if (/^\d{3}(?: |$)/.test(line)) break; // "220 text" ends a reply; "220-text" continues it
    if (!/^\d{3}-/.test(line) && out.length === 1) break;
  }
  return out.join('\r\n');
}

/** OpenSSH-style SHA-256 of a host key given as base64 of its wire blob. */
function sshKeySha256(keyB64: string | undefined): string | undefined {
  if (!keyB64) return undefined;
  const blob = Buffer.from(keyB64.replace(/\s+/g, ''), 'base64');
  return blob.length >= 16 ? createHash('sha256').update(blob).digest('hex') : undefined;
}

function hintsOf(rec: Json): SourceHint | undefined {
  const cpes: string[] = [];
  for (const key of ['cpe23', 'cpe']) {
    const list = rec[key];
    if (Array.isArray(list)) for (const c of list) if (typeof c === 'string') cpes.push(cpeToCpe23(c) ?? c);
  }
  const deviceType = strAt(rec, 'devicetype');
  const hint: SourceHint = {
    // Shodan's product is the device when it gives a device type, else the service software.
    part: deviceType ? 'h' : 'a',
    product: strAt(rec, 'product'),
    version: strAt(rec, 'version'),
    deviceType,
    os: strAt(rec, 'os'),
    cpe23: cpes.length ? [...new Set(cpes)] : undefined,
  };
  const { part: _part, ...said } = hint;
  return Object.values(said).some((v) => v !== undefined) ? hint : undefined;
}

export const shodanScan: ScanFormat = {
  name: 'shodan',
  detect(_fileName, head) {
    const first = firstJson(head);
    return isObject(first) && ('ip_str' in first || '_shodan' in first) && 'port' in first;
  },
  create() {
    return {
      parse(line) {
        const rec = jsonLine(line);
        const ipText = strAt(rec, 'ip_str') ?? strAt(rec, 'ipv6');
        const ip = ipField(ipText, 'ip_str');
        const port = portField(rec['port'] as number | undefined, 'port');
        const transport = rec['transport'] === 'udp' ? 'udp' : 'tcp';
        const ts = Math.floor(timeField(rec['timestamp'] as string | undefined, 'timestamp')); // whole ms: Shodan writes microseconds
        const data = typeof rec['data'] === 'string' ? rec['data'] : '';
        if (rec['data'] !== undefined && typeof rec['data'] !== 'string') throw new FieldError('data', 'not a string');
        const protocol = protocolOf(rec, port);
        const obs: ServiceObservation = { ts, ip, port, transport, protocol, source: 'shodan', banners: {} };
        const b = obs.banners;
        if (protocol === 'http' || protocol === 'https' || isObject(rec['http'])) {
          const headers = parseRawHeaders(data);
          const server = headers.get('server')?.[0] ?? strAt(rec, 'http.server');
          if (server) b['http_header.server'] = server;
          const auth = headers.get('www-authenticate')?.[0];
          if (auth) b['http_header.wwwauth'] = auth;
          const powered = headers.get('x-powered-by')?.[0];
          if (powered) b['http_header.x-powered-by'] = powered;
          const title = strAt(rec, 'http.title');
          if (title) b['html_title'] = decodeEntities(title).replace(/\s+/g, ' ').trim();
        } else if (protocol === 'ssh') {
          if (data) b['ssh.banner'] = sshSoftware(data);
        } else if (protocol === 'telnet') {
          if (data) b['telnet.banner'] = telnetText(data);
        } else if (protocol === 'ftp') {
          if (data) b['ftp.banner'] = greetingText(firstReply(data));
        } else if (protocol === 'smtp') {
          if (data) b['smtp.banner'] = greetingText(firstReply(data));
        } else if (protocol === 'pop3') {
          if (data) b['pop3.banner'] = pop3Greeting(data.split(/\r?\n/)[0]!);
        } else if (protocol === 'rtsp') {
          const server = parseRawHeaders(data).get('server')?.[0];
          if (server) b['rtsp_header.server'] = server;
        } else if (protocol === 'snmp') {
          const descr = strAt(rec, 'snmp.description');
          if (descr) b['snmp.sys_description'] = descr;
        }
        const cert = objAt(rec, 'ssl.cert');
        if (cert) {
          obs.certSha256 = hexFingerprint(strAt(cert, 'fingerprint.sha256'));
          const subject = objAt(cert, 'subject');
          const subjectDn = subject && dnFromParts(subject);
          if (subjectDn) b['x509.subject'] = subjectDn;
          const issuer = objAt(cert, 'issuer');
          const issuerDn = issuer && dnFromParts(issuer);
          if (issuerDn) b['x509.issuer'] = issuerDn;
        }
        obs.sshHostKeySha256 = sshKeySha256(strAt(rec, 'ssh.key'));
        obs.hints = hintsOf(rec);
        pruneEmpty(b);
        obs.deviceIdHint = deviceIdFromBanners(b);
        return [obs];
      },
    };
  },
};
