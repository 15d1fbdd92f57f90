// Stable per-device identifiers that appear inside banners: MAC addresses (vendor certificates often
// put the device MAC in the subject CN) and serial numbers ("SN:FCH1924AHCA").
import type { ServiceObservation } from '../core/model/service.js';

const MAC_RE = /(?:^|[^0-9a-f:-])([0-9a-f]{2}([:-])(?:[0-9a-f]{2}\2){4}[0-9a-f]{2})(?![0-9a-f:-])/i;
const SERIAL_RE = /\b(?:SN|S\/N|Serial(?:\s*Number)?|SERIALNUMBER)\s*[:=#]\s*([A-Z0-9][A-Z0-9-]{5,31})\b/i;
const BLANK_MACS = new Set(['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']);

/** "mac:aa:bb:cc:dd:ee:ff" or "sn:XYZ123" from one text, or undefined. */
export function deviceIdIn(text: string): string | undefined {
  const mac = MAC_RE.exec(text);
  if (mac) {
    const norm = mac[1]!.toLowerCase().replace(/-/g, ':');
    // Multicast/broadcast and all-zero addresses are placeholders, not a device's own address.
    if (!BLANK_MACS.has(norm) && (parseInt(norm.slice(0, 2), 16) & 1) === 0) return 'mac:' + norm;
  }
  const sn = SERIAL_RE.exec(text);
  if (sn) return 'sn:' + sn[1]!.toUpperCase();
  return undefined;
}

/** The first device id found in an observation's banners, certificate names first. */
export function deviceIdFromBanners(banners: ServiceObservation['banners']): string | undefined {
  const order = ['x509.subject', 'telnet.banner', 'ssh.banner', 'ftp.banner', 'html_title', 'http_header.wwwauth'] as const;
  for (const k of order) {
    const v = banners[k];
    if (v) {
      const id = deviceIdIn(v);
      if (id) return id;
    }
  }
  return undefined;
}
