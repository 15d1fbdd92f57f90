// Report type from Shadowserver file names, and the sanity of the generated report-type table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportTypeFromFileName, reportTypeKey, isKnownReportFile } from './file-name.js';
import { REPORT_ALIASES, REPORT_TYPES } from './report-types.js';
import { classifyReport, COMPROMISED_CLASSES } from './report-class.js';

test('report type from the spellings Shadowserver and IntelMQ use', () => {
  const cases: Array<[string, string]> = [
    ['2024-06-01-event4_sinkhole-asn-world.csv', 'event4_sinkhole'],
    ['2019-01-01-scan_ftp-test-geo.csv', 'scan_ftp'],
    ['event4_sinkhole.csv', 'event4_sinkhole'],
    ['scan_ftp.csv', 'scan_ftp'],
    ['2020-04-03-scan_ics-sample-asn-delayed.csv', 'scan_ics'],
    ['/data/in/2024-06-01-event4_sinkhole_http-123-sample-asn.csv.gz', 'event4_sinkhole_http'],
    ['SCAN_TELNET.CSV', 'scan_telnet'],
    ['2024-06-01-scan6_ssh-cc-at.csv', 'scan6_ssh'],
  ];
  for (const [name, key] of cases) {
    const t = reportTypeFromFileName(name);
    assert.equal(t.key, key, name);
    assert.ok(t.info, `${name} should be a known type`);
  }
});

test('aliases: IntelMQ keys and pre-2021 names resolve to the current type', () => {
  assert.equal(reportTypeFromFileName('2024-07-04-dns_openresolver-123-sample-asn.csv').key, 'scan_dns');
  assert.equal(reportTypeFromFileName('2016-01-01-botnet_drone-x-y.csv').key, 'event4_sinkhole');
  assert.equal(reportTypeFromFileName('2024-06-01-event_sinkhole_http-x.csv').key, 'event4_sinkhole_http');
  for (const [alias, target] of Object.entries(REPORT_ALIASES)) assert.ok(REPORT_TYPES[target], `${alias} -> ${target}`);
});

test('unknown and odd names keep a usable key but no table entry', () => {
  assert.deepEqual(reportTypeFromFileName('2024-06-01-scan_frobnicator-asn.csv'), { key: 'scan_frobnicator' });
  assert.deepEqual(reportTypeFromFileName('my export (1).csv'), { key: 'unknown' });
  // Object.prototype members are not report types.
  assert.deepEqual(reportTypeFromFileName('constructor.csv'), { key: 'constructor' });
  assert.equal(reportTypeKey('2024-06-01-scan_ftp'), 'scan_ftp');
});

test('a known name counts for detection only as a CSV file', () => {
  assert.equal(isKnownReportFile('2024-06-01-scan_ftp-asn.csv'), true);
  assert.equal(isKnownReportFile('scan_ftp.csv.gz'), true);
  assert.equal(isKnownReportFile('scan_ftp.log'), false);
  assert.equal(isKnownReportFile('scan_frobnicator.csv'), false);
});

test('generated table: one entry per published type, compromised follows the class rule', () => {
  const entries = Object.entries(REPORT_TYPES);
  assert.equal(entries.length, 170);
  for (const [name, info] of entries) {
    assert.equal(info.compromised, COMPROMISED_CLASSES.has(info.cls), name);
    assert.equal(info.cls, classifyReport(name, info.victim !== null), name);
    assert.notEqual(info.cls, 'other', name);
    if (/^(scan|population|device_id)/.test(name) && name !== 'scan_post_exploitation_framework')
      assert.equal(info.cls, 'exposed', name);
  }
  assert.deepEqual(
    entries.filter(([, i]) => i.compromised).map(([n]) => n).sort(),
    [
      'compromised_iot',
      'compromised_iot6',
      'compromised_website',
      'compromised_website6',
      'event4_microsoft_sinkhole',
      'event4_microsoft_sinkhole_http',
      'event4_sinkhole',
      'event4_sinkhole_http',
      'event4_sinkhole_http_referer',
      'event6_sinkhole',
      'event6_sinkhole_http',
      'event6_sinkhole_http_referer',
    ],
  );
});

test('generated table: victim column and IntelMQ classification per type', () => {
  assert.deepEqual(REPORT_TYPES['event4_sinkhole'], {
    cls: 'infected',
    compromised: true,
    victim: 'src_ip',
    taxonomy: 'malicious-code',
    type: 'infected-system',
  });
  assert.equal(REPORT_TYPES['scan_telnet']!.victim, 'ip');
  assert.equal(REPORT_TYPES['scan_telnet']!.id, 'open-telnet');
  assert.equal(REPORT_TYPES['scan_ipmi']!.transport, 'udp');
  assert.equal(REPORT_TYPES['event4_honeypot_brute_force']!.cls, 'attacker');
  // The DDoS-target report is about the attacked host, which Shadowserver lists first as dst_ip.
  assert.equal(REPORT_TYPES['event4_honeypot_ddos_target']!.victim, 'dst_ip');
  assert.equal(REPORT_TYPES['event4_sinkhole_http_referer']!.victim, 'http_referer_ip');
  assert.equal(REPORT_TYPES['compromised_account']!.victim, null);
  assert.equal(REPORT_TYPES['scan_exchange']!.compromisedTag, 'webshell');
});
