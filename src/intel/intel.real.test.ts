// Real published intel (../shared/data/intel): every indicator imported, every other section reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { haveShared, shared } from '../../test/shared.js';
import { parseIntelFile, type IntelFileResult } from './parse.js';

const skip = !haveShared;
const countBy = (r: IntelFileResult) => {
  const out: Record<string, number> = {};
  for (const i of r.indicators) out[i.type] = (out[i.type] ?? 0) + 1;
  return out;
};

test('Lumen Raptor Train IOCs: the whole table, the repeated rows folded, the rest reported by line', { skip }, async () => {
  const file = shared('intel/lumen-raptor-train-iocs.txt');
  const r = await parseIntelFile(file);
  assert.equal(r.format, 'text');
  // 212 table rows: 102 IP (99 distinct), 51 Domain + 56 TLS Cert Domain, 3 TLS Fingerprint
  assert.deepEqual(countBy(r), { ip: 99, domain: 107, 'cert-sha256': 3 });
  // the domains of the encoded-snippet lines (217-293) repeat the table's, and fold into them
  assert.equal(r.counts.duplicates, 42);
  assert.deepEqual([r.counts.rejected, r.counts.examples], [0, []]);
  assert.equal(r.indicators.filter((i) => i.tags.includes('TLS Cert Domain')).length, 56);
  assert.deepEqual(r.counts.skipped!.map((s) => [s.fromLine, s.toLine, s.reason]), [
    [215, 215, 'free text'],
    [294, 294, 'free text'],
    [295, 314, 'YARA rule'],
    [316, 339, 'YARA rule'],
    [341, 358, 'YARA rule'],
  ]);
  // Every table row's value is imported, and every other non-blank line lies in a reported section.
  const lines = readFileSync(file, 'utf8').split('\n');
  const values = new Set(r.indicators.map((i) => i.value));
  for (let n = 2; n <= 213; n++) assert.ok(values.has(lines[n - 1]!.split('\t')[0]!.toLowerCase()), `line ${n}`);
  const covered = (n: number) => r.counts.skipped!.some((s) => s.fromLine <= n && n <= s.toLine);
  lines.forEach((l, i) => {
    const read = values.has(l.split(' ')[0]!.toLowerCase());
    if (i + 1 > 213 && l.trim() !== '') assert.ok(read || covered(i + 1), `line ${i + 1} neither imported nor reported`);
  });
  // The address listed as Tier 3 Sparrow and twice as Tier 2: one record with the union window.
  const ip = r.indicators.find((i) => i.value === '202.182.109.151')!;
  assert.equal(ip.category, 'Tier 3 Sparrow');
  assert.deepEqual(ip.tags, ['Tier 2']);
  assert.equal(ip.firstSeen, Date.UTC(2023, 6, 13));
  assert.equal(ip.lastSeen, Date.UTC(2024, 8, 4, 23, 59, 59, 999));
});

test('Maltrail raptrain trail: every ip:port and domain line', { skip }, async () => {
  const r = await parseIntelFile(shared('intel/maltrail-raptrain.txt'));
  assert.deepEqual(countBy(r), { 'ip-port': 100, domain: 104 });
  assert.equal(r.counts.duplicates, 0);
  assert.deepEqual([r.counts.rejected, r.counts.examples], [0, []]);
  assert.deepEqual(r.counts.skipped!, []);
  const ports = r.indicators.filter((i) => i.value.startsWith('202.182.109.151:')).map((i) => i.port);
  assert.deepEqual(ports, [34125, 443]);
});

test('Zeek intel samples', { skip }, async () => {
  const dir = (name: string) => shared(`intel/zeek-intel/${name}`);
  const intel = await parseIntelFile(dir('zeek-btest-intel.dat'));
  assert.equal(intel.format, 'zeek-intel');
  assert.deepEqual(intel.indicators.map((i) => [i.type, i.value, i.description]), [
    ['ip', '1.2.3.4', 'this host is just plain baaad <http://some-data-distributor.com/1234>'],
  ]);
  assert.equal(intel.counts.duplicates, 1);
  assert.deepEqual(intel.counts.skipped!.map((s) => [s.fromLine, s.reason]), [[4, 'unsupported Zeek intel type Intel::EMAIL']]);

  const white = await parseIntelFile(dir('zeek-btest-whitelist.dat'));
  assert.deepEqual(white.indicators, []);
  assert.deepEqual(white.warnings.map((w) => [w.kind, w.value]), [['domain', 'meta.wikimedia.org']]);

  const basic = await parseIntelFile(dir('zeek-intel-input-basic.txt'));
  assert.deepEqual(basic.indicators.map((i) => [i.type, i.value, i.tags]), [['domain', 'www.reddit.com', ['my_special_source']]]);

  const notice = await parseIntelFile(dir('zeek-intel-input-donotice.txt'));
  assert.deepEqual(notice.indicators.map((i) => [i.type, i.value, i.tags[0]]), [['ip', '1.2.3.4', 'source1'], ['domain', 'a.b.com', 'source2']]);
  for (const r of [intel, white, basic, notice]) assert.deepEqual([r.counts.rejected, r.counts.examples], [0, []]);
});

test('MISP warninglists: every entry is a warning, a reported skip or a rejection', { skip }, async () => {
  const expected: Record<string, [kind: 'cidr' | 'domain', count: number]> = {
    'censys-scanning.json': ['cidr', 13],
    'cisco_top1000.json': ['domain', 1000],
    'multicast.json': ['cidr', 16],
    'public-dns-v4.json': ['cidr', 62745],
    'public-dns-v6.json': ['cidr', 269],
    'research-scanner-nt-scanning.json': ['cidr', 25],
    'rfc1918.json': ['cidr', 3],
    'rfc5735.json': ['cidr', 15],
    'rfc6761.json': ['domain', 21],
    'shodan-scanning.json': ['cidr', 42],
    'sinkholes.json': ['cidr', 107],
    'whats-my-ip.json': ['domain', 234],
  };
  const files = readdirSync(shared('intel/misp-warninglists')).filter((f) => f.endsWith('.json') && f !== 'schema.json');
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
  for (const f of files) {
    const path = shared(`intel/misp-warninglists/${f}`);
    const list = (JSON.parse(readFileSync(path, 'utf8')) as { list: string[]; name: string }).list;
    const r = await parseIntelFile(path);
    assert.equal(r.format, 'warninglist', f);
    const skipped = r.counts.skipped!.reduce((n, s) => n + s.toLine - s.fromLine + 1, 0);
    assert.equal(r.warnings.length, list.length - skipped - r.counts.rejected, f);
    const [kind, count] = expected[f]!;
    assert.equal(r.warnings.length, count, f);
    assert.ok(r.warnings.every((w) => w.kind === kind), f);
  }
  await assert.rejects(parseIntelFile(shared('intel/misp-warninglists/schema.json')), /neither a STIX bundle/);
});
