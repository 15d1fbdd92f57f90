// Every Shadowserver CSV in ../shared/data/reports/shadowserver (IntelMQ's test reports) read through
// readTelemetry, and checked against the events IntelMQ's parser tests expect (expected/*.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIp } from '../../core/ip.js';
import { readTelemetry, type ReadSummary } from '../../core/reader.js';
import type { ReportRecord } from '../../core/model/telemetry.js';
import { haveShared, shared } from '../../../test/shared.js';
import { shadowserverFormat, REPORT_TYPES } from './index.js';

const DIR = shared('reports/shadowserver');

interface ExpectedFile {
  input_csv: string[];
  EVENTS: Array<Record<string, unknown> & { raw: { __raw_of_csv_lines__: [number, number] } }>;
}

/**
 * Where we legitimately differ from IntelMQ. IntelMQ's parser emits an event for every data row
 * (its validate_ip turns a bad address into "no value" rather than an error); its tests then
 * assert only the first few events, which is all the expected files list. We reject these rows
 * instead, naming line and column. Rows short of their last columns we read as csv.DictReader
 * does (event4_honeypot_ddos.csv: a 60-column header, 59-cell rows):
 */
const OUR_REJECTIONS: Record<string, { rejected: Array<[number, string]>; why: string }> = {
  'blocklist.csv': {
    rejected: [[4, 'ip']],
    why: 'the row lists a network (x.x.x.0/24): IntelMQ fills source.network and no source.ip; a ReportRecord is one host',
  },
  'event4_honeypot_ddos_amp.csv': {
    rejected: [[6, 'src_ip']],
    why: 'src_ip "37.120.178.9.10" is no address (an anonymisation slip); IntelMQ emits the event without source.ip and its test does not assert that row',
  },
  'event4_sinkhole.csv': {
    rejected: [[4, 'dst_ip']],
    why: 'dst_ip "148.81.111.11.12" is no address; IntelMQ emits the event without destination.ip and its test does not assert that row',
  },
};

async function read(file: string): Promise<{ records: ReportRecord[]; summary: ReadSummary }> {
  const records: ReportRecord[] = [];
  const summary = await readTelemetry(join(DIR, file), shadowserverFormat, (b) => {
    for (const r of b) records.push(r as ReportRecord);
  });
  return { records, summary };
}

function expectedFor(file: string): ExpectedFile | undefined {
  const path = join(DIR, 'expected', file.replace(/\.csv$/, '.expected.json'));
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ExpectedFile;
  } catch {
    return undefined;
  }
}

/** Checks one of our records against IntelMQ's event for the same row. */
function compare(rec: ReportRecord, ev: Record<string, unknown>, file: string): void {
  const at = `${file}:${rec.line}`;
  // IntelMQ keeps the attack direction (source = C2) for DDoS targets; our host is the target.
  const swapped = file.startsWith('event4_honeypot_ddos_target');
  const [us, them] = swapped ? ['destination', 'source'] : ['source', 'destination'];
  assert.equal(formatIp(rec.ip), ev[`${us}.ip`], `${at} ip`);
  assert.equal(rec.ts, Date.parse(ev['time.source'] as string), `${at} timestamp`);
  const pairs: Array<[unknown, string]> = [
    [rec.asn, `${us}.asn`],
    [rec.geo, `${us}.geolocation.cc`],
    [rec.port, `${us}.port`],
    [rec.hostname, `${us}.reverse_dns`],
    [rec.dstIp === undefined ? undefined : formatIp(rec.dstIp), `${them}.ip`],
    [rec.dstPort, `${them}.port`],
    [rec.protocol, 'protocol.transport'],
    [rec.tag, 'extra.tag'],
    [rec.family, 'extra.family'],
    [rec.infection, 'extra.infection'],
    [rec.deviceVendor, 'extra.device_vendor'],
    [rec.deviceType, 'extra.device_type'],
    [rec.deviceModel, 'extra.device_model'],
  ];
  for (const [ours, key] of pairs) if (key in ev) assert.equal(ours, ev[key], `${at} ${key}`);
  // IntelMQ's malware.name comes from infection, family or (older mappings) tag.
  if ('malware.name' in ev) {
    const names = [rec.infection, rec.family, rec.tag].map((v) => v?.toLowerCase());
    assert.ok(names.includes(ev['malware.name'] as string), `${at} malware.name ${String(ev['malware.name'])}`);
  }
}

const csvFiles = haveShared ? readdirSync(DIR).filter((f) => f.endsWith('.csv')).sort() : [];

test('every Shadowserver test report is read', { skip: !haveShared }, () => {
  assert.equal(csvFiles.length, 19);
});

for (const file of csvFiles) {
  test(`${file}: counts and fields against IntelMQ's expected events`, { skip: !haveShared }, async () => {
    const { records, summary } = await read(file);
    const lines = readFileSync(join(DIR, file), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    const dataRows = lines.length - 1;
    const ours = OUR_REJECTIONS[file]?.rejected ?? [];
    assert.deepEqual(
      summary.examples.map((e) => [e.line, e.field]),
      ours,
      `${file} rejected rows: ${summary.examples.map((e) => e.reason).join('; ')}`,
    );
    assert.equal(summary.rejected, ours.length);
    // IntelMQ emits one event per data row; we emit one record per row we do not reject.
    assert.equal(summary.records, dataRows - ours.length);
    assert.equal(records.length, summary.records);
    const type = file.replace(/\.csv$/, '');
    for (const r of records) {
      assert.equal(r.reportType, type);
      assert.equal(r.compromised, REPORT_TYPES[type]!.compromised);
    }

    const expected = expectedFor(file);
    if (!expected) {
      // event4_ip_spoofer.csv has no IntelMQ test; the counts above are all we can hold it to.
      assert.equal(file, 'event4_ip_spoofer.csv');
      return;
    }
    assert.deepEqual(expected.input_csv, [file]);
    const byLine = new Map(records.map((r) => [r.line, r]));
    const rejectedLines = new Set(ours.map(([line]) => line));
    let matched = 0;
    let notReproduced = 0;
    for (const ev of expected.EVENTS) {
      const line = ev.raw.__raw_of_csv_lines__[1] + 1; // index 0 is the header, line 1
      if (rejectedLines.has(line)) {
        notReproduced++;
        continue;
      }
      const rec = byLine.get(line);
      assert.ok(rec, `${file}: no record for line ${line}`);
      compare(rec, ev, file);
      matched++;
    }
    assert.equal(matched, expected.EVENTS.length - notReproduced);
    assert.ok(matched > 0 || file === 'event4_honeypot_ddos.csv', `${file}: no expected event reproduced`);
  });
}
