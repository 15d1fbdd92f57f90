// Deterministic benchmark inputs: an nfdump CSV (1.7.5 `-o csv` header), 100,000 indicators of
// several kinds, and a Zeek dns.log. Indicators sit on documentation ranges (IPv4 /24s and the
// IPv6 2001:db8::/32); clients and benign servers are drawn from real address space (IPv4, and
// IPv6 for the share of benign flows the caller asks) so that enrichment and the prefilter's IPv6
// test do real work.
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { v4Text } from '../demo/address-space.js';
import { formatIp } from '../core/ip.js';
import { Random } from '../demo/random.js';

export interface BenchFiles {
  flows: string;
  indicatorsText: string;
  /**
   * Indicators published after the flows were imported: benign-looking servers of the flows turn
   * out to be C2s (1,000 addresses and ten /24s), matched retroactively.
   */
  laterIndicators: string;
  /** One plain value per line, for grep -F -w -f. */
  indicatorValues: string;
  dns: string;
  rows: number;
  dnsRows: number;
  indicators: number;
}

const DOC_V4 = [0xc0000200, 0xc6336400, 0xcb007100]; // 192.0.2.0, 198.51.100.0, 203.0.113.0
const two = (n: number) => String(n).padStart(2, '0');

class Writer {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly out: ReturnType<typeof createWriteStream>) {}
  async line(s: string): Promise<void> {
    this.chunks.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 22) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.chunks.length) return;
    const ok = this.out.write(this.chunks.join('\n') + '\n');
    this.chunks = [];
    this.size = 0;
    if (!ok) await once(this.out, 'drain');
  }
  async end(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** The 762 host addresses of the three IPv4 documentation /24s: the IPv4 C2 indicators. */
function docC2v4(): number[] {
  const out: number[] = [];
  for (const base of DOC_V4) for (let i = 1; i < 255; i++) out.push(base + i);
  return out;
}

const stamp = (t: number) => new Date(t).toISOString().replace('T', ' ').replace('Z', '');

/**
 * A botnet's month of flows for the API benchmark: every row is a victim (one of `victims` real
 * addresses) beaconing to its C2 (one of the bench's IPv4 indicators, fixed per victim) in a
 * random hour of 30 days, a fifth of them answered by the C2. Nearly every row becomes its own
 * sighting (victim, indicator, hour), so `rows` sets the store's sightings.
 */
export async function generateBotnetFlows(file: string, rows: number, victims: number, seed: number, ranges: [number, number][]): Promise<void> {
  const rnd = new Random(seed);
  const { clients } = pools(rnd, ranges, victims);
  const c2v4 = docC2v4();
  const start = Date.UTC(2024, 5, 1);
  const w = new Writer(createWriteStream(file));
  await w.line('firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows');
  for (let i = 0; i < rows; i++) {
    const v = Math.floor(rnd.next() * clients.length);
    const ts = stamp(start + Math.floor(rnd.next() * 30 * 86_400_000));
    const bot = v4Text(clients[v]!);
    const c2 = v4Text(c2v4[v % c2v4.length]!);
    const port = rnd.int(1024, 65535);
    await w.line(`${ts},1.000,TCP,${bot},${port},${c2},443,4,600,1`);
    if (rnd.next() < 0.2) await w.line(`${ts},1.000,TCP,${c2},443,${bot},${port},4,3000,1`);
  }
  await w.end();
}

/** Benign IPv6 traffic: its share of the benign flows, and the real allocations its addresses come from. */
export interface BenignIpv6 {
  share: number;
  ranges: [bigint, bigint][];
}

/** IPv6 client and server address pools, as text: real allocations, sampled once. */
function pools6(rnd: Random, ranges: [bigint, bigint][]): { clients: string[]; servers: string[] } {
  const pick = () => {
    const [lo, hi] = ranges[Math.floor(rnd.next() * ranges.length)]!;
    let r = 0n;
    for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(Math.floor(rnd.next() * 2 ** 32));
    return formatIp(lo + (r % (hi - lo + 1n)));
  };
  return { clients: Array.from({ length: 100_000 }, pick), servers: Array.from({ length: 20_000 }, pick) };
}

/** Client and server address pools: real IPv4 allocations, sampled once. */
function pools(rnd: Random, ranges: [number, number][], nClients = 400_000): { clients: Uint32Array; servers: Uint32Array } {
  const pick = () => {
    const [lo, hi] = ranges[Math.floor(rnd.next() * ranges.length)]!;
    return lo + Math.floor(rnd.next() * (hi - lo + 1));
  };
  const clients = new Uint32Array(nClients);
  const servers = new Uint32Array(50_000);
  for (let i = 0; i < clients.length; i++) clients[i] = pick();
  for (let i = 0; i < servers.length; i++) servers[i] = pick();
  return { clients, servers };
}

export async function generateBenchFiles(dir: string, rows: number, seed: number, ranges: [number, number][], ipv6?: BenignIpv6): Promise<BenchFiles> {
  const rnd = new Random(seed);
  const { clients, servers } = pools(rnd, ranges);
  // Drawn with a generator of their own, so the IPv4 pools are the same with or without them.
  const six = ipv6 && pools6(new Random(seed + 11), ipv6.ranges);
  // 100,000 indicators: all 768 documentation IPv4 addresses, CIDRs of several sizes, ip:port,
  // IPv6 addresses in 2001:db8::/32, and domains.
  const ind: string[] = ['Indicator\tType'];
  const values: string[] = [];
  const c2v4 = docC2v4();
  for (const a of c2v4) {
    ind.push(`${v4Text(a)}\tip`);
    values.push(v4Text(a));
  }
  for (const [base, len] of [[DOC_V4[0]!, 28], [DOC_V4[1]!, 26], [DOC_V4[2]!, 25]] as const) {
    ind.push(`${v4Text(base)}/${len}\tcidr`);
    values.push(`${v4Text(base)}/${len}`);
  }
  for (let i = 0; i < 1000; i++) {
    const v = `${v4Text(rnd.pick(c2v4))}:${rnd.int(1024, 65535)}`;
    ind.push(`${v}\tip-port`);
    values.push(v);
  }
  const v6 = (i: number) => `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;
  const nV6 = 60_000;
  for (let i = 0; i < nV6; i++) {
    ind.push(`${v6(i)}\tip`);
    values.push(v6(i));
  }
  const domains = 100_000 - ind.length + 1;
  for (let i = 0; i < domains; i++) {
    ind.push(`c${i}.bench.example\tdomain`);
    values.push(`c${i}.bench.example`);
  }
  const indicatorsText = join(dir, 'indicators.tsv');
  const indicatorValues = join(dir, 'indicators.txt');
  writeFileSync(indicatorsText, ind.join('\n') + '\n');
  writeFileSync(indicatorValues, values.join('\n') + '\n');
  // Drawn with a generator of their own, so the flows are the same with or without them.
  const pickLater = new Random(seed + 7);
  const later = ['Indicator\tType'];
  for (let i = 0; i < 1000; i++) later.push(`${v4Text(servers[Math.floor(pickLater.next() * servers.length)]!)}\tip`);
  for (let i = 0; i < 10; i++) later.push(`${v4Text(servers[Math.floor(pickLater.next() * servers.length)]! & ~0xff)}/24\tcidr`);
  // With IPv6 traffic, IPv6 servers too: 300 addresses and three /48s.
  if (six) {
    for (let i = 0; i < 300; i++) later.push(`${pickLater.pick(six.servers)}\tip`);
    for (let i = 0; i < 3; i++) later.push(`${pickLater.pick(six.servers).split(':').slice(0, 3).join(':')}::/48\tcidr`);
  }
  const laterIndicators = join(dir, 'indicators-later.tsv');
  writeFileSync(laterIndicators, later.join('\n') + '\n');

  const start = Date.UTC(2024, 5, 1);
  const flows = join(dir, 'flows.csv');
  const w = new Writer(createWriteStream(flows));
  await w.line('firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows');
  for (let i = 0; i < rows; i++) {
    const t = start + Math.floor((i / rows) * 86_400_000);
    const d = new Date(t);
    const ts = `2024-06-01 ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(t % 1000).padStart(3, '0')}`;
    let src = v4Text(clients[Math.floor(rnd.next() * clients.length)]!);
    const r = rnd.next();
    // About 1% of flows reach an indicator (0.8% IPv4, 0.2% IPv6); the rest are benign, IPv6 in `ipv6.share` of them.
    let dst: string;
    if (r < 0.008) dst = v4Text(c2v4[Math.floor(rnd.next() * c2v4.length)]!);
    else if (r < 0.01) {
      dst = v6(Math.floor(rnd.next() * nV6));
      src = '2001:db8:ffff::' + (i & 0xffff).toString(16);
    } else if (six && rnd.next() < ipv6!.share) {
      dst = six.servers[Math.floor(rnd.next() * six.servers.length)]!;
      src = six.clients[Math.floor(rnd.next() * six.clients.length)]!;
    } else dst = v4Text(servers[Math.floor(rnd.next() * servers.length)]!);
    const proto = r < 0.5 ? 'TCP' : 'UDP';
    await w.line(`${ts},${(rnd.next() * 10).toFixed(3)},${proto},${src},${rnd.int(1024, 65535)},${dst},${r < 0.5 ? 443 : 53},${rnd.int(1, 50)},${rnd.int(40, 50_000)},1`);
  }
  await w.end();

  const dnsRows = Math.max(1000, Math.floor(rows / 10));
  const dns = join(dir, 'dns.log');
  const z = new Writer(createWriteStream(dns));
  for (const h of ['#separator \\x09', '#path\tdns', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name', '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring'])
    await z.line(h);
  for (let i = 0; i < dnsRows; i++) {
    const t = (start + Math.floor((i / dnsRows) * 86_400_000)) / 1000;
    const q = rnd.next() < 0.01 ? `x${i}.c${rnd.int(0, domains - 1)}.bench.example` : `www${rnd.int(0, 9999)}.benign.example`;
    await z.line(`${t.toFixed(6)}\tD${i}\t${v4Text(clients[Math.floor(rnd.next() * clients.length)]!)}\t${rnd.int(1024, 65535)}\t192.0.2.53\t53\tudp\t${q}\tA`);
  }
  await z.end();
  return { flows, indicatorsText, laterIndicators, indicatorValues, dns, rows, dnsRows, indicators: ind.length - 1 };
}
