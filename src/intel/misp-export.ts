// Writes indicators as one MISP event (JSON), with ids derived from the content so re-exports are
// identical; misp.ts reads it back to the same indicators.
import type { IndicatorRecord } from './indicator.js';
import { uuidV5 } from './stix-export.js';

const MISP_NAMESPACE = uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://botcensus.invalid/misp');

export interface MispEventOptions {
  /** The event's title. */
  info: string;
  /** The event's date, epoch ms (default: the earliest first-seen time, else 1970-01-01). */
  date?: number;
  /** Event-level tags, e.g. "tlp:amber". */
  tags?: string[];
}

export function toMispEvent(indicators: readonly IndicatorRecord[], opts: MispEventOptions): object {
  const attributes = indicators.map((rec) => {
    const a: Record<string, unknown> = {
      uuid: uuidV5(MISP_NAMESPACE, `${rec.type}|${rec.value}`),
      type: mispType(rec),
      category: 'Network activity',
      value: rec.type === 'ip-port' ? rec.value.replace(/^\[?([^\]]*?)\]?:(\d+)$/, '$1|$2') : rec.value,
      to_ids: rec.forDetection,
    };
    if (rec.description) a.comment = rec.description;
    if (rec.firstSeen !== undefined) a.first_seen = new Date(rec.firstSeen).toISOString();
    if (rec.lastSeen !== undefined) a.last_seen = new Date(rec.lastSeen).toISOString();
    if (rec.tags.length) a.Tag = rec.tags.map((name) => ({ name }));
    return a;
  });
  const firstSeen = indicators.map((r) => r.firstSeen).filter((t): t is number => t !== undefined);
  const date = opts.date ?? (firstSeen.length ? firstSeen.reduce((a, b) => Math.min(a, b)) : 0);
  const ids = attributes.map((a) => a.uuid as string).sort();
  return {
    Event: {
      uuid: uuidV5(MISP_NAMESPACE, `${opts.info}|${ids.join(',')}`),
      info: opts.info,
      date: new Date(date).toISOString().slice(0, 10),
      threat_level_id: '2',
      analysis: '2',
      distribution: '0',
      Tag: (opts.tags ?? []).map((name) => ({ name })),
      Attribute: attributes,
    },
  };
}

function mispType(rec: IndicatorRecord): string {
  switch (rec.type) {
    case 'ip':
    case 'cidr':
      return 'ip-dst';
    case 'ip-port':
      return 'ip-dst|port';
    case 'domain':
      return 'domain';
    case 'url':
      return 'url';
    case 'cert-sha256':
      return 'x509-fingerprint-sha256';
    case 'cert-sha1':
      return 'x509-fingerprint-sha1';
  }
}
