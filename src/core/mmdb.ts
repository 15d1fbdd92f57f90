// MaxMind DB files (GeoLite2/GeoIP2, IPinfo Lite, DB-IP Lite .mmdb) turned into address ranges:
// the search tree is walked once per file version and every network with data becomes one range,
// which the store loads into the same range tables as the CSV providers. A walk of a 7 MB
// country file takes about a second; per-address lookups in JavaScript would cost that much for
// every few hundred thousand victims, and could not join.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader } from 'mmdb-lib';
import { BotcensusError } from './errors.js';
import { V4_MAPPED_BASE } from './ip.js';

/** mmdb-lib's record reader and data decoder: the walk needs them, the Reader keeps them private. */
interface Walker {
  left(offset: number): number;
  right(offset: number): number;
}
interface Decoder {
  decodeFast(offset: number): { value: unknown };
}
const require = createRequire(import.meta.url);
const makeWalker = (require('mmdb-lib/lib/reader/walker.js') as { default: (db: Buffer, recordSize: number) => Walker }).default;
const DecoderClass = (require('mmdb-lib/lib/decoder.js') as { default: new (db: Buffer, base: number) => Decoder }).default;
const parseMetadata = (require('mmdb-lib/lib/metadata.js') as { parseMetadata: (db: Buffer) => { databaseType: string; buildEpoch: Date } }).parseMetadata;

/**
 * The type and build date from a file's last bytes (the metadata sits at its end): what a store
 * needs to know of a provider at every import, without reading the whole file.
 */
export function mmdbMetadata(file: string, tail: Buffer): { type: string; built: Date } {
  try {
    const m = parseMetadata(tail);
    return { type: m.databaseType, built: m.buildEpoch };
  } catch (err) {
    throw new BotcensusError('BAD_INPUT', `not a readable MaxMind DB file: ${(err as Error).message}`, { file });
  }
}

/** 2^i and 2^i - 1 for i in 0..128: the walk's BigInt arithmetic without a conversion per node. */
const BIT = Array.from({ length: 129 }, (_, i) => 1n << BigInt(i));
const LOW_BITS = BIT.map((b) => b - 1n);

/** The 16 zero bytes between the search tree and the data section. */
const DATA_SECTION_SEPARATOR = 16;

export interface MmdbFile {
  /** databaseType from the metadata: "GeoLite2-ASN", "GeoIP2-Country", "ipinfo ...", "DBIP-Country-Lite". */
  type: string;
  /** When the file was built (metadata build_epoch). */
  built: Date;
  ipVersion: number;
  /**
   * Every network that holds data, in address order: [lo, hi] as store addresses (IPv4 networks
   * IPv4-mapped) and the record's data. The IPv4 aliases of an IPv6 tree (::ffff:0:0/96, 2002::/16,
   * which point at the IPv4 subtree) are walked once, as IPv4.
   */
  networks(): Generator<[bigint, bigint, unknown]>;
}

export function isMmdb(head: Buffer): boolean {
  return head.includes(Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'));
}

export function openMmdb(file: string): MmdbFile {
  const db = readFileSync(file);
  let reader: Reader<never>;
  try {
    reader = new Reader(db);
  } catch (err) {
    throw new BotcensusError('BAD_INPUT', `not a readable MaxMind DB file: ${(err as Error).message}`, { file });
  }
  const m = reader.metadata;
  const walker = makeWalker(db, m.recordSize);
  const decoder = new DecoderClass(db, m.searchTreeSize + DATA_SECTION_SEPARATOR);
  const data = new Map<number, unknown>();
  const record = (pointer: number) => {
    let v = data.get(pointer);
    if (v === undefined) data.set(pointer, (v = decoder.decodeFast(pointer - m.nodeCount + m.searchTreeSize).value));
    return v;
  };
  const bits = m.ipVersion === 6 ? 128 : 32;
  return {
    type: m.databaseType,
    built: m.buildEpoch,
    ipVersion: m.ipVersion,
    *networks() {
      // Depth-first, left before right, so networks come in address order. A stack entry is a
      // tree node, or a record that points at data (a network: depth is its prefix length).
      const v4Root = m.ipVersion === 6 ? ipv4Root() : -1;
      const stack: [number, bigint, number][] = [[0, 0n, 0]];
      while (stack.length) {
        const [at, lo, depth] = stack.pop()!;
        if (at > m.nodeCount) {
          const hi = lo | LOW_BITS[bits - depth]!;
          const range = storeRange(lo, hi, m.ipVersion);
          if (range) yield [range[0], range[1], record(at)];
          continue;
        }
        if (at === m.nodeCount) continue; // no data
        if (at === v4Root && !(depth === 96 && lo === 0n)) continue; // an alias of the IPv4 subtree
        const offset = at * m.nodeByteSize;
        stack.push([walker.right(offset), lo | BIT[bits - depth - 1]!, depth + 1]);
        stack.push([walker.left(offset), lo, depth + 1]);
      }
    },
  };

  /** The node at ::/96 of an IPv6 tree: the IPv4 subtree. */
  function ipv4Root(): number {
    let node = 0;
    for (let i = 0; i < 96 && node < m.nodeCount; i++) node = walker.left(node * m.nodeByteSize);
    return node;
  }
}

/** A network of the tree as a store range; IPv4 in an IPv6 tree lives at ::/96. */
function storeRange(lo: bigint, hi: bigint, ipVersion: number): [bigint, bigint] | undefined {
  if (ipVersion === 4) return [V4_MAPPED_BASE + lo, V4_MAPPED_BASE + hi];
  if (hi <= 0xffffffffn) return [V4_MAPPED_BASE + lo, V4_MAPPED_BASE + hi];
  // Other networks of the low space (::/80, the IPv4-mapped block itself) hold no IPv6 host.
  if (lo <= 0xffffffffffffn) return undefined;
  return [lo, hi];
}

/** What a record says about the network's AS, in the shapes MaxMind, IPinfo and DB-IP write. */
export function asnOfRecord(r: unknown): { asn: number; org?: string } | undefined {
  const o = r as Record<string, unknown>;
  if (typeof o?.autonomous_system_number === 'number')
    return { asn: o.autonomous_system_number, org: str(o.autonomous_system_organization) };
  const ipinfo = typeof o?.asn === 'string' ? /^AS(\d+)$/i.exec(o.asn) : null;
  if (ipinfo) return { asn: Number(ipinfo[1]), org: str(o.as_name) };
  return undefined;
}

/** The record's country (where the network is), else its registered country. */
export function countryOfRecord(r: unknown): string | undefined {
  const o = r as Record<string, Record<string, unknown> | string | undefined>;
  const iso = (x: unknown) => str((x as Record<string, unknown> | undefined)?.iso_code);
  return (iso(o?.country) ?? str(o?.country_code) ?? iso(o?.registered_country))?.toUpperCase();
}

const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
