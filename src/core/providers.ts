// The enrichment providers a store is told about (`botcensus enrich --geo FILE --asn FILE`), each
// recognised from its content: a MaxMind DB file (MaxMind GeoLite2/GeoIP2, IPinfo Lite, DB-IP
// Lite .mmdb), a prefix-to-AS file (RouteViews, CAIDA pfx2as) or a DB-IP Lite CSV. Asked in the
// order given, first answer wins, with the @ip-location-db packages last (geo-data.ts).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BotcensusError } from './errors.js';
import { asnOfRecord, countryOfRecord, isMmdb, mmdbMetadata, openMmdb } from './mmdb.js';
import { csvRanges, PFX2AS_LINE, pfx2asRanges, type GeoRange } from './range-files.js';

/** The files a store was told to enrich from (`enrich --geo/--asn`), in the order they are asked. */
export interface GeoChain {
  asn: string[];
  country: string[];
}

export type GeoRole = 'asn' | 'country';


export interface RangeProvider {
  role: GeoRole;
  /** What answered, as lookups and exports name it: "GeoLite2-ASN", "RouteViews pfx2as", ... */
  name: string;
  file: string;
  /** When its data was built, YYYY-MM-DD, when the file tells. */
  dataDate?: string;
  licence: string;
  /** Changes whenever the file does. */
  version: string;
  /** The ranges, store addresses; those without an answer for the role are left out. */
  ranges(): AsyncIterable<GeoRange>;
}

const LICENCE: [RegExp, string][] = [
  [/^GeoLite2/i, 'GeoLite2 EULA (MaxMind; attribution required)'],
  [/^GeoIP2/i, 'MaxMind commercial licence'],
  [/ipinfo/i, 'CC BY-SA 4.0 (IPinfo Lite)'],
  [/^DBIP|db-?ip/i, 'CC BY 4.0 (DB-IP Lite)'],
];
const licenceOf = (name: string) => LICENCE.find(([re]) => re.test(name))?.[1] ?? 'see the data publisher';

/** A date in a file name: routeviews-rv2-20240601-1200.pfx2as.gz, dbip-country-lite-2024-06.csv.gz. */
function dateInName(file: string): string | undefined {
  const m = /(20\d\d)-?([01]\d)(?:-?([0-3]\d))?/.exec(basename(file));
  return m ? `${m[1]}-${m[2]}-${m[3] ?? '01'}` : undefined;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function openProvider(file: string, role: GeoRole): RangeProvider {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new BotcensusError('UNREADABLE', `cannot read the ${role === 'asn' ? 'ASN' : 'country'} data file`, { file });
  }
  const version = `${file}:${st.size}:${st.mtimeMs}`;
  const head = readHead(file, 64 * 1024);
  const tail = readTail(file, st.size, 128 * 1024);
  if (isMmdb(tail)) {
    const meta = mmdbMetadata(file, tail);
    return {
      role,
      name: meta.type,
      file,
      dataDate: day(meta.built),
      licence: licenceOf(meta.type),
      version,
      async *ranges() {
        for (const [lo, hi, rec] of openMmdb(file).networks()) {
          if (role === 'asn') {
            const a = asnOfRecord(rec);
            if (a) yield { lo, hi, asn: a.asn, org: a.org };
          } else {
            const country = countryOfRecord(rec);
            if (country) yield { lo, hi, country };
          }
        }
      },
    };
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const text = gzip ? gunzipHead(head) : head.toString('utf8');
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const dataDate = dateInName(file) ?? day(st.mtime);
  if (PFX2AS_LINE.test(first)) {
    if (role !== 'asn') throw new BotcensusError('USAGE', 'a prefix-to-AS file answers for the AS, not the country: give it with --asn', { file });
    return {
      role, name: 'RouteViews pfx2as', file, dataDate, licence: 'RouteViews / CAIDA (see their acceptable use policy)', version,
      async *ranges() {
        yield* await pfx2asRanges(file, gzip);
      },
    };
  }
  if (/^[0-9a-fA-F.:]+,[0-9a-fA-F.:]+,/.test(first)) {
    return {
      role, name: role === 'asn' ? 'DB-IP ASN Lite (CSV)' : 'DB-IP Country Lite (CSV)', file, dataDate, licence: licenceOf('dbip'), version,
      ranges: () => csvRanges(file, gzip, role),
    };
  }
  throw new BotcensusError('BAD_INPUT', 'not a MaxMind DB (.mmdb), prefix-to-AS (pfx2as) or DB-IP CSV file', { file, line: 1 });
}

function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function readTail(file: string, size: number, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const len = Math.min(n, size);
    const b = Buffer.alloc(len);
    readSync(fd, b, 0, len, size - len);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** The start of a gzip file's text (the head holds part of the stream: decode what it gives). */
function gunzipHead(head: Buffer): string {
  try {
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).toString('utf8');
  } catch {
    return '';
  }
}
