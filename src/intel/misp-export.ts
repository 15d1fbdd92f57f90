// Writes indicators as one MISP event (JSON), with ids derived from the content so re-exports are identical.
import type { IndicatorRecord, IndicatorType } from '../core/model/indicator.js';
import { uuidV5 } from './stix-export.js';

const NAMESPACE = uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://botcensus.invalid/misp');

/** MISP attribute type and category per indicator type: file hashes are payloads, not network activity. */
const MISP_TYPE: Record<IndicatorType, [string, string]> = {
  ip: ['ip-dst', 'Network activity'],
  cidr: ['ip-dst', 'Network activity'],
  'ip-port': ['ip-dst|port', 'Network activity'],
  domain: ['domain', 'Network activity'],
  url: ['url', 'Network activity'],
  'cert-sha256': ['x509-fingerprint-sha256', 'Network activity'],
  'cert-sha1': ['x509-fingerprint-sha1', 'Network activity'],
  'file-sha256': ['sha256', 'Payload delivery'],
  'file-sha1': ['sha1', 'Payload delivery'],
  'file-md5': ['md5', 'Payload delivery'],
};

export interface MispExportOptions {
  /** The event's info line. */
  info?: string;
}

/**
 * A MISP event whose attributes botcensus's MISP importer reads back: the window as first_seen/
 * last_seen, the description as comment, tags as tags, and what MISP has no field for (the
 * source's category, the timeframe as written) as botcensus:… tags.
 */
export function toMispEvent(indicators: readonly IndicatorRecord[], opts: MispExportOptions = {}): object {
  const attributes = indicators.map((rec) => {
    const [type, category] = MISP_TYPE[rec.type];
    const value = rec.type === 'ip-port' ? `${rec.value.slice(0, rec.value.lastIndexOf(':')).replace(/^\[|\]$/g, '')}|${rec.port}` : rec.value;
    const tags = [...rec.tags];
    if (rec.category) tags.push(`botcensus:category="${rec.category}"`);
    if (rec.timeframe) tags.push(`botcensus:timeframe="${rec.timeframe}"`);
    const a: Record<string, unknown> = {
      uuid: uuidV5(NAMESPACE, `${rec.type}|${rec.value}`),
      type,
      category,
      value,
      to_ids: rec.forDetection,
    };
    if (rec.description) a.comment = rec.description;
    if (rec.firstSeen !== undefined) a.first_seen = new Date(rec.firstSeen).toISOString();
    if (rec.lastSeen !== undefined) a.last_seen = new Date(rec.lastSeen).toISOString();
    if (tags.length) a.Tag = tags.map((name) => ({ name }));
    return a;
  });
  const uuid = uuidV5(NAMESPACE, attributes.map((a) => a.uuid as string).sort().join(','));
  return {
    Event: {
      uuid,
      info: opts.info ?? 'botcensus indicators',
      threat_level_id: '4',
      analysis: '2',
      distribution: '0',
      Attribute: attributes,
    },
  };
}
