// Reads hand-written Shadowserver reports (test/fixtures/shadowserver and inline files) through
// readTelemetry, as the CLI does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIp } from '../../core/ip.js';
import { readRecords, type ReadSummary } from '../../core/reader.js';
import type { ReportRecord } from '../../core/model/telemetry.js';
import { tempDir } from '../../../test/tmp.js';
import { shadowserverFormat } from './index.js';
import { ShadowserverParser } from './parser.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/shadowserver/', import.meta.url));
const ip = (s: string): bigint => parseIp(s)!;

async function read(path: string): Promise<{ records: ReportRecord[]; summary: ReadSummary; shortRows: number }> {
  const records: ReportRecord[] = [];
  const parser = new ShadowserverParser({ file: path, fileName: basename(path) });
  const summary = await readRecords(path, parser, (batch) => {
    for (const r of batch) records.push(r as ReportRecord);
  });
  return { records, summary, shortRows: parser.shortRows };
}

/** Writes an inline report under the given file name (the name carries the report type). */
function inline(name: string, lines: string[]): string {
  const path = join(tempDir('botcensus-ss-'), name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const rejected = (s: ReadSummary) => s.examples.map((e) => [e.line, e.field]);

test('sinkhole rows: compromised, family, victim is src_ip, sinkhole is the other end', async () => {
  const { records, summary, shortRows } = await read(join(FIXTURES, '2024-06-01-event4_sinkhole-asn-world.csv'));
  assert.equal(summary.lines, 9);
  assert.equal(summary.records, 4);
  assert.equal(summary.framing, 2); // header and a blank line
  assert.deepEqual(rejected(summary), [
    [4, 'src_ip'], // 192.0.2.300
    [5, 'timestamp'], // "not a time"
    [7, 'src_asn'], // "AS-none"
  ]);
  // line 6 ends before the last (optional) column: read as IntelMQ reads it, and counted
  assert.equal(shortRows, 1);
  const [first, second, short, last] = records;
  assert.equal(short!.line, 6);
  assert.equal(short!.ip, ip('192.0.2.13'));
  assert.equal(short!.family, 'mirai');
  assert.deepEqual(first, {
    kind: 'report',
    reportType: 'event4_sinkhole',
    line: 2,
    ts: Date.UTC(2024, 5, 1, 12, 0, 0),
    ip: ip('192.0.2.10'),
    port: 40312,
    asn: 64496,
    geo: 'NL',
    hostname: 'router-10.example.net',
    dstIp: ip('198.51.100.7'),
    dstPort: 80,
    protocol: 'tcp',
    infection: 'mirai',
    family: 'mirai',
    tag: 'mirai,iot',
    deviceVendor: 'MikroTik',
    deviceType: 'router',
    deviceModel: 'RB750',
    compromised: true,
    extra: {
      src_region: 'NOORD-HOLLAND',
      src_city: 'AMSTERDAM',
      src_naics: '517311',
      // A quoted value with commas stays one column.
      src_sector: 'Communications, Service Provider, and Hosting Service',
      dst_asn: '64511',
      dst_geo: 'DE',
      public_source: 'sinkhole-team',
    },
  });
  // "Z" times, ASN 0 (Shadowserver's "none"), empty port, upper-case protocol.
  assert.equal(second!.ts, Date.UTC(2024, 5, 1, 12, 5, 0));
  assert.equal(second!.asn, undefined);
  assert.equal(second!.port, undefined);
  assert.equal(second!.protocol, 'udp');
  assert.equal(second!.family, 'andromeda');
  assert.equal(second!.extra['src_asn'], '0');
  assert.equal(last!.line, 9);
  assert.equal(last!.ip, ip('192.0.2.15'));
});

test('scan rows: exposed, not compromised, device fields and MAC as device id', async () => {
  const { records, summary } = await read(join(FIXTURES, '2019-01-01-scan_snmp-test-geo.csv'));
  assert.equal(summary.rejected, 0);
  assert.equal(records.length, 2);
  const [cam, router] = records;
  assert.equal(cam!.reportType, 'scan_snmp');
  assert.equal(cam!.compromised, false);
  assert.equal(cam!.ip, ip('203.0.113.5'));
  assert.equal(cam!.port, 161);
  assert.equal(cam!.protocol, 'udp');
  assert.equal(cam!.geo, 'AT'); // upper-cased
  assert.equal(cam!.hostname, 'cam5.example.org');
  assert.equal(cam!.deviceVendor, 'Hikvision');
  assert.equal(cam!.deviceType, 'camera');
  assert.equal(cam!.deviceModel, 'DS-2CD2042WD');
  assert.equal(cam!.deviceVersion, 'V5.4.5');
  assert.equal(cam!.deviceId, '00:11:22:33:44:55');
  assert.equal(cam!.tag, 'snmp,iot');
  assert.equal(cam!.dstIp, undefined);
  assert.deepEqual(cam!.extra, { sysdesc: 'Linux cam, kernel 3.10', region: 'Wien', city: 'Wien' });
  // IPv6 host; doubled quotes inside a quoted field; a geo that is no country code stays in extra.
  assert.equal(router!.ip, ip('2001:db8::1'));
  assert.equal(router!.extra['sysdesc'], 'RouterOS "stable" build');
  assert.equal(router!.geo, undefined);
  assert.equal(router!.extra['geo'], 'Austria');
  assert.equal(router!.deviceId, undefined);
});

test('unknown type imports by the column rules; header names are case-insensitive', async () => {
  const path = inline('2024-06-01-scan_frobnicator-asn-world.csv', [
    '\uFEFF"Timestamp","IP","Port","Protocol","ASN","Geo","Hostname","Tag","Device_Vendor","Serial","Colour"',
    '"2024-06-03 00:00:01","198.51.100.20","8443","tcp","64501","BE","","frob","Acme","SN-1","blue"',
  ]);
  const { records, summary } = await read(path);
  assert.equal(summary.rejected, 0);
  assert.deepEqual(records, [
    {
      kind: 'report',
      reportType: 'scan_frobnicator',
      line: 2,
      ts: Date.UTC(2024, 5, 3, 0, 0, 1),
      ip: ip('198.51.100.20'),
      port: 8443,
      protocol: 'tcp',
      asn: 64501,
      geo: 'BE',
      tag: 'frob',
      deviceVendor: 'Acme',
      deviceId: 'SN-1',
      compromised: false,
      extra: { colour: 'blue' },
    },
  ]);
});

test('unknown name: src_ip wins over ip, and a sinkhole-like name counts as compromised', async () => {
  const path = inline('2024-06-01-event4_sinkhole_new-asn.csv', [
    'timestamp,ip,src_ip,src_port,dst_ip,dst_port,malware_family',
    '2024-06-03 00:00:02,203.0.113.99,192.0.2.50,5555,198.51.100.1,443,gafgyt',
  ]);
  const { records } = await read(path);
  assert.equal(records[0]!.ip, ip('192.0.2.50'));
  assert.equal(records[0]!.port, 5555);
  assert.equal(records[0]!.dstIp, ip('198.51.100.1'));
  assert.equal(records[0]!.family, 'gafgyt');
  assert.equal(records[0]!.compromised, true);
  assert.deepEqual(records[0]!.extra, { ip: '203.0.113.99' });
});

test('DDoS-target rows are about the attacked dst_ip; the C2 is the other end', async () => {
  const path = inline('2024-06-01-event4_honeypot_ddos_target-asn.csv', [
    'timestamp,protocol,dst_ip,dst_port,dst_asn,dst_geo,src_ip,src_port,src_asn,src_geo,infection,family',
    '2024-06-03 00:00:03,udp,192.0.2.77,80,64496,NL,203.0.113.66,23,64511,US,ddos,mirai',
  ]);
  const { records } = await read(path);
  assert.equal(records[0]!.ip, ip('192.0.2.77'));
  assert.equal(records[0]!.asn, 64496);
  assert.equal(records[0]!.dstIp, ip('203.0.113.66'));
  assert.equal(records[0]!.dstPort, 23);
  assert.equal(records[0]!.compromised, false);
  assert.deepEqual(records[0]!.extra, { src_asn: '64511', src_geo: 'US' });
});

test('Exchange scan: a web-shell tag makes that row compromised', async () => {
  const path = inline('2024-06-01-scan_exchange-asn.csv', [
    'timestamp,ip,port,tag',
    '2024-06-03 00:00:04,198.51.100.30,443,exchange;webshell',
    '2024-06-03 00:00:05,198.51.100.31,443,cve-2021-26855',
  ]);
  const { records } = await read(path);
  assert.deepEqual(
    records.map((r) => r.compromised),
    [true, false],
  );
});

test('broken rows: report without hosts, blocklist network, unterminated quote, repeated header', async () => {
  const noHost = inline('2024-06-01-ransomware_victim-geo.csv', [
    'timestamp,entity_name,geo',
    '2024-06-03 00:00:06,Example Ltd,AT',
  ]);
  const a = await read(noHost);
  assert.deepEqual([a.summary.records, rejected(a.summary)], [0, [[2, 'ip']]]);

  const list = inline('2024-06-01-blocklist-asn.csv', [
    'timestamp,ip,source,reason',
    '2024-06-03 00:00:07,198.51.100.0/24,feed,"bad, very"',
    '2024-06-03 00:00:08,"198.51.100.9,feed,unterminated',
    'timestamp,ip,source,reason',
    '2024-06-03 00:00:09,198.51.100.10,feed,spam',
    ',198.51.100.11,feed,spam',
  ]);
  const b = await read(list);
  assert.deepEqual(rejected(b.summary), [
    [2, 'ip'],
    [3, undefined],
    [6, 'timestamp'],
  ]);
  assert.equal(b.summary.framing, 2);
  assert.deepEqual(
    b.records.map((r) => [r.line, r.compromised, r.extra['reason']]),
    [[5, false, 'spam']],
  );
});

test('short rows: the missing trailing cells read as empty; a missing required column or a long row still rejects', async () => {
  const path = inline('2024-06-01-scan_telnet-asn.csv', [
    'timestamp,ip,port,hostname,tag,asn,geo,banner',
    '2024-06-03 00:00:01,198.51.100.20,23,host.example,telnet,64496,NL,"login:"',
    '2024-06-03 00:00:02,198.51.100.21,23,host.example,telnet,64496,NL',
    '2024-06-03 00:00:03,198.51.100.22,23',
    '2024-06-03 00:00:04',
    '2024-06-03 00:00:05,198.51.100.23,23,host.example,telnet,64496,NL,"login:",extra',
  ]);
  const r = await read(path);
  assert.deepEqual(r.records.map((x) => [x.line, x.port, x.geo ?? null]), [[2, 23, 'NL'], [3, 23, 'NL'], [4, 23, null]]);
  assert.equal(r.shortRows, 2);
  assert.deepEqual(rejected(r.summary), [[5, 'ip'], [6, undefined]]);
  assert.match(r.summary.examples[1]!.reason, /9 columns, header has 8/);
});

test('detection: by known file name, or by a timestamp + ip/src_ip header', () => {
  assert.equal(shadowserverFormat.detect('2024-06-01-scan_ftp-asn-world.csv', ['whatever']), true);
  assert.equal(shadowserverFormat.detect('export.csv', ['"timestamp","src_ip","src_port"']), true);
  assert.equal(shadowserverFormat.detect('export.csv', ['Timestamp,IP,Port']), true);
  assert.equal(shadowserverFormat.detect('flows.csv', ['ts,sa,da,sp,dp']), false);
  assert.equal(shadowserverFormat.detect('conn.log', ['#separator \\x09']), false);
  assert.equal(shadowserverFormat.detect('scan_ftp.log', ['#fields\tts\tuid']), false);
  assert.equal(shadowserverFormat.detect('empty.csv', []), false);
});
