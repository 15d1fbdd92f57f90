// Small valid samples of every reader's input (documentation addresses, .example names), the seeds
// that the hostile-input tests and the fuzzer mutate. Each names how botcensus imports it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ftpModule, sshModule, zgrabLine } from '../fixtures/identify/scan-fixture.js';
import { KEV_FIXTURE, kevCsv } from '../fixtures/identify/kev-fixture.js';

export interface Seed {
  /** The reader: an intel format, an ingest format, or kev. */
  reader: string;
  /** How botcensus takes it: `intel import`, `ingest` or `kev import`. */
  kind: 'intel' | 'telemetry' | 'kev';
  /** The --format value that forces this reader (undefined for kev). */
  format?: string;
  /** The file name (Shadowserver reads its report type from it). */
  name: string;
  text: string;
}

const fixture = (p: string) => readFileSync(resolve(process.cwd(), 'test/fixtures', p), 'utf8');
const T = 1717243200123;

export const SEEDS: Seed[] = [
  { reader: 'text', kind: 'intel', format: 'text', name: 'iocs.txt', text: '# C2 list\n203.0.113.10\n198.51.100.0/28\nc2.example\nhxxp://bad[.]example/gate.php\n' },
  { reader: 'csv', kind: 'intel', format: 'csv', name: 'iocs.csv', text: 'indicator,type,first_seen,last_seen\n203.0.113.20,ip,2024-06-01,2024-07-01\nrelay.example,domain,2024-06-01,\n' },
  { reader: 'stix', kind: 'intel', format: 'stix', name: 'bundle.json', text: fixture('intel/bundle.stix.json') },
  { reader: 'misp', kind: 'intel', format: 'misp', name: 'event.json', text: fixture('intel/event.misp.json') },
  { reader: 'zeek-intel', kind: 'intel', format: 'zeek-intel', name: 'feed.dat', text: fixture('intel/feed.zeek-intel.dat') },
  { reader: 'warninglist', kind: 'intel', format: 'warninglist', name: 'list.json', text: JSON.stringify({ name: 'Fixture list', type: 'cidr', list: ['192.0.2.0/24', '2001:db8::/32'], description: 'd', version: 1 }) },
  {
    reader: 'nfdump',
    kind: 'telemetry',
    format: 'nfdump',
    name: 'flows.csv',
    text: 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\n2024-06-01 10:00:01.000,1.0,TCP,198.51.100.7,1024,203.0.113.10,443,1,100,1\n2024-06-01 10:00:02.000,1.0,UDP,198.51.100.8,1025,203.0.113.10,53,1,80,1\n',
  },
  {
    reader: 'goflow2',
    kind: 'telemetry',
    format: 'goflow2',
    name: 'goflow.jsonl',
    text:
      [
        { type: 'NETFLOW_V9', time_received_ns: (T + 5000) * 1e6, time_flow_start_ns: T * 1e6, time_flow_end_ns: (T + 2000) * 1e6, bytes: 4200, packets: 7, src_addr: '192.0.2.10', dst_addr: '203.0.113.10', etype: 'IPv4', proto: 'TCP', src_port: 40000, dst_port: 23 },
        { type: 'SFLOW_5', time_received_ns: T * 1e6, time_flow_start_ns: T * 1e6, bytes: 90, packets: 1, src_addr: '2001:db8::1', dst_addr: '2001:db8::35', etype: 'IPv6', proto: 17, src_port: 5353, dst_port: 53 },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
  },
  {
    reader: 'argus',
    kind: 'telemetry',
    format: 'argus',
    name: 'capture.binetflow',
    text:
      'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label\n' +
      '2011/08/16 10:01:46.972101,1.026539,tcp,192.0.2.5,1027,   <->,203.0.113.10,6667,FSPA_FSPA,0,0,12,1800,600,flow=From-Botnet-V42-TCP-CC\n' +
      '2011/08/16 10:01:47.000000,0.000000,udp,192.0.2.5,53,    <-,198.51.100.53,40000,INT,0,,3,300,100,flow=Background\n',
  },
  {
    reader: 'zeek',
    kind: 'telemetry',
    format: 'zeek',
    name: 'conn.log',
    text: '#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n1718618400.0\tC1\t198.51.100.20\t4000\t203.0.113.10\t443\ttcp\n1718618401.5\tC2\t198.51.100.21\t4001\t203.0.113.10\t443\ttcp\n',
  },
  { reader: 'zeek-dns', kind: 'telemetry', format: 'zeek', name: 'dns.log', text: fixture('zeek/dns.log') },
  {
    reader: 'suricata',
    kind: 'telemetry',
    format: 'suricata',
    name: 'eve.json',
    text:
      [
        { timestamp: '2024-06-01T14:00:00.250000+0200', flow_id: 1, event_type: 'alert', src_ip: '192.0.2.10', src_port: 40000, dest_ip: '203.0.113.10', dest_port: 80, proto: 'TCP', alert: { action: 'allowed', gid: 1, signature_id: 2024897, rev: 2, signature: 'ET MALWARE Mirai Variant CnC', category: 'Trojan', severity: 1 } },
        { timestamp: '2024-06-01T14:00:01.000000+0200', flow_id: 2, event_type: 'tls', src_ip: '192.0.2.11', src_port: 40001, dest_ip: '203.0.113.10', dest_port: 443, proto: 'TCP', tls: { sni: 'c2.example', version: 'TLS 1.2' } },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
  },
  { reader: 'shadowserver', kind: 'telemetry', format: 'shadowserver', name: '2024-06-01-event4_sinkhole-asn-world.csv', text: fixture('shadowserver/2024-06-01-event4_sinkhole-asn-world.csv') },
  {
    reader: 'zgrab2',
    kind: 'telemetry',
    format: 'zgrab2',
    name: 'zgrab.json',
    text: zgrabLine('192.0.2.40', { ftp: ftpModule('2024-06-01T10:00:00Z', 'MikroTik FTP server (MikroTik 6.40.1) ready'), ssh: sshModule('2024-06-01T10:00:01Z', 'ab'.repeat(32)) }) + '\n' + zgrabLine('192.0.2.41', { ftp: ftpModule('2024-06-01T10:00:02Z', '220 ProFTPD ready') }) + '\n',
  },
  {
    reader: 'shodan',
    kind: 'telemetry',
    format: 'shodan',
    name: 'shodan.json',
    text:
      [
        { transport: 'tcp', timestamp: '2024-06-02T11:22:33.250000', ip_str: '203.0.113.5', port: 80, _shodan: { module: 'http' }, data: 'HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n', http: { server: 'App-webs/', title: 'index' } },
        { transport: 'tcp', timestamp: '2024-06-02T11:22:34.000000', ip_str: '203.0.113.7', port: 21, _shodan: { module: 'ftp' }, data: '220 MikroTik FTP server (MikroTik 6.40.1) ready\r\n' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
  },
  {
    reader: 'censys',
    kind: 'telemetry',
    format: 'censys',
    name: 'censys.json',
    text:
      [
        { ip: '192.0.2.64', last_updated_at: '2024-06-03T09:00:00Z', services: [{ port: 2323, service_name: 'TELNET', transport_protocol: 'TCP', observed_at: '2024-06-03T08:05:00Z', banner: 'DIR-615 login: ' }] },
        { ip: '192.0.2.65', services: [{ port: 80, service_name: 'HTTP', observed_at: '2024-06-04T00:00:00Z', http: { response: { headers: { server: 'lighttpd' } } } }] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
  },
  { reader: 'kev-json', kind: 'kev', name: 'kev.json', text: JSON.stringify({ catalogVersion: '2099.01.02', dateReleased: '2099-01-02T00:00:00Z', count: KEV_FIXTURE.length, vulnerabilities: KEV_FIXTURE }) },
  { reader: 'kev-csv', kind: 'kev', name: 'kev.csv', text: kevCsv() },
];

/** The CLI arguments that import `file` as `seed` says (the --db option comes first, from the caller). */
export function importArgs(seed: Seed, file: string): string[] {
  if (seed.kind === 'kev') return ['kev', 'import', file];
  if (seed.kind === 'intel') return ['intel', 'import', '--format', seed.format!, file];
  return ['ingest', '--format', seed.format!, '--no-identify', file];
}
