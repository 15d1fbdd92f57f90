// Writes indicators as a STIX 2.1 bundle with ids derived from the content, so re-exports are identical.
import { createHash } from 'node:crypto';
import { isV4 } from '../core/ip.js';
import type { IndicatorRecord } from '../core/model/indicator.js';

// RFC 4122 URL namespace; our own namespace is the name-based UUID of a URL we own in it.
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const BOTCENSUS_NAMESPACE = uuidV5(URL_NAMESPACE, 'https://botcensus.invalid/stix');

/** Name-based (SHA-1, version 5) UUID as in RFC 4122 section 4.3. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface StixExportOptions {
  /** `created`/`modified` of indicators with no first-seen time, epoch ms; default 1970-01-01 so output is stable. */
  created?: number;
}

/**
 * One indicator object per record. Where STIX has no field for what we know, x_botcensus_*
 * properties keep it so our importer reads the bundle back unchanged: an open start
 * (STIX requires valid_from) and "not for detection".
 */
export function toStixBundle(indicators: readonly IndicatorRecord[], opts: StixExportOptions = {}): object {
  const objects = indicators.map((rec) => {
    const created = new Date(rec.firstSeen ?? opts.created ?? 0).toISOString();
    const obj: Record<string, unknown> = {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--' + uuidV5(BOTCENSUS_NAMESPACE, `${rec.type}|${rec.value}`),
      created,
      modified: created,
      pattern: stixPattern(rec),
      pattern_type: 'stix',
      valid_from: created,
    };
    if (rec.firstSeen === undefined) obj.x_botcensus_open_start = true;
    if (rec.lastSeen !== undefined) obj.valid_until = new Date(rec.lastSeen).toISOString();
    if (rec.category) obj.indicator_types = [rec.category];
    if (rec.tags.length) obj.labels = [...rec.tags];
    if (rec.description) obj.description = rec.description;
    if (!rec.forDetection) obj.x_botcensus_for_detection = false;
    if (rec.timeframe) obj.x_botcensus_timeframe = rec.timeframe;
    return obj;
  });
  const ids = objects.map((o) => o.id as string).sort();
  return { type: 'bundle', id: 'bundle--' + uuidV5(BOTCENSUS_NAMESPACE, ids.join(',')), objects };
}

/** The STIX pattern for one indicator. */
export function stixPattern(rec: IndicatorRecord): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const family = rec.lo !== undefined && !isV4(rec.lo) ? 'ipv6-addr' : 'ipv4-addr';
  switch (rec.type) {
    case 'ip':
    case 'cidr':
      return `[${family}:value = ${q(rec.value)}]`;
    case 'ip-port': {
      const addr = rec.value.slice(0, rec.value.lastIndexOf(':')).replace(/^\[|\]$/g, '');
      return `[network-traffic:dst_ref.type = ${q(family)} AND network-traffic:dst_ref.value = ${q(addr)} AND network-traffic:dst_port = ${rec.port}]`;
    }
    case 'domain':
      return `[domain-name:value = ${q(rec.value)}]`;
    case 'url':
      return `[url:value = ${q(rec.value)}]`;
    case 'cert-sha256':
      return `[x509-certificate:hashes.'SHA-256' = ${q(rec.value)}]`;
    case 'cert-sha1':
      return `[x509-certificate:hashes.'SHA-1' = ${q(rec.value)}]`;
    case 'file-sha256':
      return `[file:hashes.'SHA-256' = ${q(rec.value)}]`;
    case 'file-sha1':
      return `[file:hashes.'SHA-1' = ${q(rec.value)}]`;
    case 'file-md5':
      return `[file:hashes.MD5 = ${q(rec.value)}]`;
  }
}
