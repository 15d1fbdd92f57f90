// The demo's ground truth and its telemetry: a botnet spread over countries as in the advisory,
// devices joining and leaving, part of them on daily-changing addresses, seen by an ISP's flow
// export, a resolver's Zeek dns.log and a sinkhole report, mixed with benign noise.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CountrySpace } from './address-space.js';
import { v4Text } from './address-space.js';
import type { CountryPlan } from './countries.js';
import { C2_DOMAIN, C2_V4, OLD_C2, OLD_DOMAINS, RESOLVERS, SCANNERS, SINKHOLE } from './infrastructure.js';
import { Random } from './random.js';

const DAY = 86_400_000;

export interface ScenarioOptions {
  seed: number;
  /** First day of the 30 days, epoch ms at 00:00 UTC. */
  start: number;
  days: number;
  /** Probability that a live device is seen by some sensor on a given day. */
  coverage: number;
  /** Devices that left the botnet before the end, as a share of those still in it. */
  departedShare: number;
}

interface Device {
  cc: string;
  dynamic: boolean;
  /** First and last day (inclusive) the device is in the botnet. */
  join: number;
  leave: number;
  staticIp: number;
  beaconMinute: number;
}

export interface Truth {
  /** Devices in the botnet on the last day, by country. */
  activeByCountry: Map<string, number>;
  active: number;
  /** Devices ever in the botnet during the 30 days. */
  everDevices: number;
  /** Distinct addresses those devices used. */
  everAddresses: number;
  rows: { flows: number; dns: number; sinkhole: number; noise: number };
}

export function plantDevices(plan: CountryPlan[], space: CountrySpace, o: ScenarioOptions, rnd: Random): Device[] {
  const devices: Device[] = [];
  const last = o.days - 1;
  for (const c of plan) {
    if (!space.has(c.cc)) continue;
    const departed = Math.round(c.devices * o.departedShare);
    for (let i = 0; i < c.devices + departed; i++) {
      const stays = i < c.devices;
      const join = rnd.int(-30, stays ? last : last - 6);
      const leave = stays ? last : rnd.int(Math.max(0, join + 1), last - 3);
      devices.push({ cc: c.cc, dynamic: rnd.chance(c.dynamic), join, leave, staticIp: space.pick(c.cc, rnd), beaconMinute: rnd.int(0, 1439) });
    }
  }
  return devices;
}

/** Appends lines to a file through a small buffer: holding a day's lines in arrays made the
 * garbage collector the demo's main cost. */
class LineFile {
  private readonly fd: number;
  private buf = '';
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  push(line: string): void {
    this.buf += line + '\n';
    if (this.buf.length > 1 << 20) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.buf);
    this.buf = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const two = (n: number) => String(n).padStart(2, '0');
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Writes one nfdump CSV, one Zeek dns.log and one Shadowserver sinkhole report per day. */
export function writeTelemetry(dir: string, devices: Device[], space: CountrySpace, o: ScenarioOptions, rnd: Random, onDay?: (d: number) => void): Truth {
  mkdirSync(dir, { recursive: true });
  const truth: Truth = { activeByCountry: new Map(), active: 0, everDevices: 0, everAddresses: 0, rows: { flows: 0, dns: 0, sinkhole: 0, noise: 0 } };
  const addresses = new Set<number>();
  const seenDevice = new Uint8Array(devices.length);
  for (let d = 0; d < o.days; d++) {
    const day = o.start + d * DAY;
    const ymd = new Date(day).toISOString().slice(0, 10);
    const flows = new LineFile(join(dir, `nfcapd.${ymd.replace(/-/g, '')}.csv`));
    const dns = new LineFile(join(dir, `dns.${ymd}.log`));
    const sink = new LineFile(join(dir, `${ymd}-event4_sinkhole-demo-geo.csv`));
    flows.push('firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows');
    for (const h of [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\tdns',
      `#open\t${ymd}-00-00-00`,
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\tanswers',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tstring\tvector[string]',
    ])
      dns.push(h);
    sink.push('"timestamp","protocol","src_ip","src_port","src_asn","src_geo","dst_ip","dst_port","infection","family","tag"');
    for (let i = 0; i < devices.length; i++) {
      const dev = devices[i]!;
      if (d < dev.join || d > dev.leave) continue;
      const ip = dev.dynamic ? space.pick(dev.cc, rnd) : dev.staticIp;
      if (d === o.days - 1) {
        truth.activeByCountry.set(dev.cc, (truth.activeByCountry.get(dev.cc) ?? 0) + 1);
        truth.active++;
      }
      if (!rnd.chance(o.coverage)) continue;
      if (!seenDevice[i]) {
        seenDevice[i] = 1;
        truth.everDevices++;
      }
      addresses.add(ip);
      const ts = day + dev.beaconMinute * 60_000 + rnd.int(0, 59_999);
      const src = v4Text(ip);
      const r = rnd.next();
      if (r < 0.65) {
        const c2 = rnd.pick(C2_V4);
        const sport = rnd.int(1024, 65535);
        flows.push(`${stamp(ts)}.${String(ts % 1000).padStart(3, '0')},1.204,TCP,${src},${sport},${c2},443,${rnd.int(4, 40)},${rnd.int(400, 9000)},1`);
        truth.rows.flows++;
        if (rnd.chance(0.3)) {
          flows.push(`${stamp(ts + 40)}.000,1.150,TCP,${c2},443,${src},${sport},${rnd.int(4, 40)},${rnd.int(400, 20000)},1`);
          truth.rows.flows++;
        }
      } else if (r < 0.9) {
        const q = `${rnd.int(1, 99)}.${C2_DOMAIN}`;
        dns.push(`${(ts / 1000).toFixed(6)}\tC${i.toString(36)}${d}\t${src}\t${rnd.int(1024, 65535)}\t${rnd.pick(RESOLVERS)}\t53\tudp\t${q}\tA\tNOERROR\t${rnd.pick(C2_V4)}`);
        truth.rows.dns++;
      } else {
        sink.push(`"${stamp(ts)}","tcp","${src}",${rnd.int(1024, 65535)},,"${dev.cc}","${SINKHOLE}",443,"raptor-train","nosedive","nosedive"`);
        truth.rows.sinkhole++;
      }
    }
    noise(d, day, flows, dns, space, rnd, truth);
    dns.push(`#close\t${ymd}-23-59-59`);
    flows.close();
    dns.close();
    sink.close();
    onDay?.(d);
  }
  truth.everAddresses = addresses.size;
  return truth;
}

/** Benign traffic, scanners sweeping the C2s, resolvers forwarding, and reuse of retired C2 addresses. */
function noise(d: number, day: number, flows: LineFile, dns: LineFile, space: CountrySpace, rnd: Random, truth: Truth): void {
  const ccs = ['US', 'DE', 'VN', 'FR', 'GB'];
  for (let i = 0; i < 4000; i++) {
    const ts = day + rnd.int(0, DAY - 1);
    const src = v4Text(space.pick(rnd.pick(ccs), rnd));
    flows.push(`${stamp(ts)}.000,0.500,UDP,${src},${rnd.int(1024, 65535)},192.0.2.${rnd.int(1, 50)},${rnd.pick([53, 123, 443])},2,180,1`);
    truth.rows.noise++;
  }
  for (const s of SCANNERS) {
    const c2 = C2_V4[(d + s.length) % C2_V4.length]!;
    flows.push(`${stamp(day + rnd.int(0, DAY - 1))}.000,0.000,TCP,${s},${rnd.int(1024, 65535)},${c2},443,1,44,1`);
    truth.rows.noise++;
  }
  for (let i = 0; i < 50; i++) {
    const ts = day + rnd.int(0, DAY - 1);
    dns.push(`${(ts / 1000).toFixed(6)}\tR${d}x${i}\t${rnd.pick(RESOLVERS)}\t53\t198.51.100.1\t53\tudp\t${rnd.int(1, 99)}.${C2_DOMAIN}\tA\tNOERROR\t-`);
    truth.rows.noise++;
  }
  for (let i = 0; i < 200; i++) {
    // Retired C2 addresses now host innocent services; their window closed long ago.
    const ts = day + rnd.int(0, DAY - 1);
    const src = v4Text(space.pick(rnd.pick(ccs), rnd));
    flows.push(`${stamp(ts)}.000,2.000,TCP,${src},${rnd.int(1024, 65535)},${rnd.pick(OLD_C2)},443,10,3000,1`);
    dns.push(`${(ts / 1000).toFixed(6)}\tO${d}x${i}\t${src}\t${rnd.int(1024, 65535)}\t${RESOLVERS[0]}\t53\tudp\tcdn.${rnd.pick(OLD_DOMAINS)}\tA\tNOERROR\t-`);
    truth.rows.noise += 2;
  }
}
