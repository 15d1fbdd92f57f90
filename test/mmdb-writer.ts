// Test support (not a test): writes small MaxMind DB files (format 2.0, 24-bit records) from a list
// of networks and their data, so the unit suite reads .mmdb files without the shared test
// databases. No npm package writes the format; this covers what the tests need: maps, strings and
// unsigned integers, IPv4 (ip_version 4) or IPv6 trees with IPv4 at ::/96.
import { writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { parseCidr } from '../src/core/ip.js';

type Value = string | number | { [k: string]: Value };

/** Control byte(s) of a field of `type` (1-7 plain, 8+ extended) and payload size < 285. */
function control(type: number, size: number): Buffer {
  if (size >= 285) throw new Error('field too large for this writer');
  const small = size < 29 ? size : 29;
  const extra = size < 29 ? [] : [size - 29];
  return Buffer.from(type <= 7 ? [(type << 5) | small, ...extra] : [small, type - 7, ...extra]);
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([control(2, b.length), b]);
  }
  if (typeof v === 'number') {
    const bytes: number[] = [];
    for (let n = v; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    return Buffer.concat([control(6, bytes.length), Buffer.from(bytes)]); // uint32
  }
  const keys = Object.keys(v);
  return Buffer.concat([control(7, keys.length), ...keys.flatMap((k) => [encode(k), encode(v[k]!)])]);
}

const uint16 = (n: number) => Buffer.from([(5 << 5) | 2, n >> 8, n & 255]);

interface Node {
  children: [Node | number | undefined, Node | number | undefined];
}

/** Writes `networks` (CIDR -> data) as a MaxMind DB file of type `type`. */
export function writeMmdb(file: string, type: string, networks: Record<string, Value>, ipVersion: 4 | 6 = 6, built = Date.UTC(2024, 4, 1) / 1000): void {
  const data: Buffer[] = [];
  let dataSize = 0;
  const root: Node = { children: [undefined, undefined] };
  for (const [cidr, value] of Object.entries(networks)) {
    const r = parseCidr(cidr)!;
    const v4 = isIPv4(cidr.split('/')[0]!);
    const bits = ipVersion === 4 ? 32 : 128;
    // Store form to tree form: an IPv4 network of an IPv6 tree sits at ::/96.
    const addr = v4 ? r.lo & 0xffffffffn : r.lo;
    const len = v4 ? r.prefix128 - 96 + (ipVersion === 6 ? 96 : 0) : r.prefix128;
    const offset = dataSize;
    const encoded = encode(value);
    data.push(encoded);
    dataSize += encoded.length;
    let node = root;
    for (let d = 0; d < len; d++) {
      const bit = Number((addr >> BigInt(bits - 1 - d)) & 1n);
      if (d === len - 1) node.children[bit] = -(offset + 1); // a data leaf, numbered later
      else {
        let next = node.children[bit];
        if (typeof next !== 'object') node.children[bit] = next = { children: [undefined, undefined] };
        node = next;
      }
    }
  }
  // Number the nodes breadth-first, then write each as two 24-bit records.
  const order: Node[] = [root];
  for (let i = 0; i < order.length; i++) for (const c of order[i]!.children) if (typeof c === 'object') order.push(c);
  const index = new Map(order.map((n, i) => [n, i]));
  const nodeCount = order.length;
  const tree = Buffer.alloc(nodeCount * 6);
  order.forEach((n, i) =>
    n.children.forEach((c, side) => {
      const value = c === undefined ? nodeCount : typeof c === 'object' ? index.get(c)! : nodeCount + 16 + (-c - 1);
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    }),
  );
  const metadata = Buffer.concat([
    control(7, 6),
    encode('node_count'),
    encode(nodeCount),
    encode('record_size'),
    uint16(24),
    encode('ip_version'),
    uint16(ipVersion),
    encode('database_type'),
    encode(type),
    encode('binary_format_major_version'),
    uint16(2),
    encode('build_epoch'),
    encode(built),
  ]);
  writeFileSync(file, Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), metadata]));
}
