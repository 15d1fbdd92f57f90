// Real data: Rapid7 Recog's own database run through our engine's self-test, every zgrab2 sample
// read and identified, and CISA's KEV catalog read from both of its formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haveShared, shared } from '../../test/shared.js';
import { formatIp } from '../core/ip.js';
import { identifyService } from './identify.js';
import { loadKev, matchKev } from './kev.js';
import { recogDb } from './recog/db.js';
import { loadRecogDir } from './recog/load.js';
import { selfTestFiles } from './recog/fingerprints-selftest.js';
import { readScanFileAll } from './scan-reader.js';
import { detectScan } from './scan-formats.js';

const skip = !haveShared;
const RECOG = shared('fingerprints/recog/xml');

test('Recog self-test: at least 99% of its examples pass our engine, failures explained', { skip }, () => {
  const dbs = loadRecogDir(RECOG);
  const fingerprints = dbs.reduce((n, f) => n + f.fingerprints.length, 0);
  const unsupported = dbs.flatMap((f) => f.fingerprints.filter((fp) => !fp.regex.ok).map((fp) => `${f.file}: ${fp.description}: ${(fp.regex as { reason: string }).reason}`));
  const r = selfTestFiles(dbs);
  // 7,550 <example> tags are in the files; 25 of them (and 9 <fingerprint>s) sit inside XML comments
  // in http_wwwauth.xml and snmp_sysdescr.xml, which Recog (Nokogiri) ignores just as we do.
  assert.equal(dbs.length, 50);
  assert.equal(fingerprints, 4657);
  assert.equal(r.total, 7525);
  const groups = new Map<string, string[]>();
  for (const f of r.files) for (const x of f.failed) {
    const kind = x.reason.replace(/"[^"]*"/g, '"…"').replace(/#\d+/g, '#N');
    groups.set(kind, [...(groups.get(kind) ?? []), `${f.file} ${x.fingerprint}: ${x.example}`]);
  }
  console.log(`recog self-test: ${r.passed}/${r.total} examples pass (${((100 * r.passed) / r.total).toFixed(2)}%), ${fingerprints} fingerprints, ${unsupported.length} unsupported`);
  for (const [kind, list] of groups) console.log(`  ${list.length} × ${kind}\n    ${list.join('\n    ')}`);
  for (const u of unsupported) console.log(`  unsupported: ${u}`);
  assert.ok(r.passed / r.total >= 0.99, `${r.passed}/${r.total}`);
  assert.equal(r.passed, 7525, 'every example passes today; a change that breaks one should be looked at');
});

const ZGRAB2: Record<string, { protocol: string; banners: Record<string, string>; cert?: string; hostKey?: string; match?: string }> = {
  'ftp-authtls.json': { protocol: 'ftp', banners: { 'ftp.banner': '(vsFTPd 3.0.3)', 'x509.subject': 'CN=7cdc9ef8cf3a', 'x509.issuer': 'CN=7cdc9ef8cf3a' }, cert: '28452377e32275f10be938dabcb55b011d32e4cd2f9f18dc0d44c6d2fd59145b', match: 'vsFTPd (Very Secure FTP Daemon)' },
  'ftp-default.json': { protocol: 'ftp', banners: { 'ftp.banner': '(vsFTPd 3.0.3)' }, match: 'vsFTPd (Very Secure FTP Daemon)' },
  'http-http.json': { protocol: 'http', banners: { 'http_header.server': 'lighttpd/1.4.35' }, match: 'Lighttpd' },
  'http-https.json': { protocol: 'https', banners: { 'http_header.server': 'lighttpd/1.4.35', 'x509.subject': 'CN=target', 'x509.issuer': 'CN=target' }, cert: 'fe01d8aaa47e75e281f404ab5e60c3e73da4747b02e558c238cc77cf023586fd', match: 'Lighttpd' },
  'output-multi-module.json': { protocol: 'amqp091', banners: { 'x509.subject': 'CN=*.rmq2.cloudamqp.com', 'x509.issuer': "CN=R3,O=Let's Encrypt,C=US" }, cert: 'eda0b0b8a9c28fbbeac1781eb1a8fa49df8480befefa1654cfcebcd7cf3d0891' },
  'pop3-banner.json': { protocol: 'pop3', banners: {} },
  'smtp-00.json': { protocol: 'smtp', banners: { 'smtp.banner': 'ba06a6536f7e ESMTP qpsmtpd 0.94 ready; send us your mail, but not your spam.' } },
  'ssh-ssh.json': { protocol: 'ssh', banners: { 'ssh.banner': 'OpenSSH_7.2p2 Ubuntu-4ubuntu2.4' }, hostKey: '691e8c65d86720d072fc5610f8976df184af64a91aea986a2de55a1abc0179dc', match: 'OpenSSH running on Ubuntu 16.04 (vivid)' },
  'telnet-telnet.json': { protocol: 'telnet', banners: { 'telnet.banner': 'Ubuntu 16.04.3 LTS\r\n5a3511f30de7 login: ' }, match: 'Ubuntu - most versions' },
};

test('every zgrab2 sample reads to exactly one observation, identified with Recog', { skip }, async () => {
  const db = recogDb([RECOG]);
  for (const [file, want] of Object.entries(ZGRAB2)) {
    const path = shared('scans/zgrab2/' + file);
    const format = await detectScan(path);
    assert.equal(format.name, 'zgrab2', file);
    const { observations, summary } = await readScanFileAll(path, format);
    assert.deepEqual([summary.lines, summary.records, summary.rejected], [1, 1, 0], file);
    const o = observations[0]!;
    assert.equal(o.protocol, want.protocol, file);
    assert.deepEqual(o.banners, want.banners, file);
    assert.equal(o.certSha256, want.cert, file);
    assert.equal(o.sshHostKeySha256, want.hostKey, file);
    assert.equal(formatIp(o.ip), file === 'output-multi-module.json' ? '165.227.114.176' : file === 'telnet-telnet.json' ? '172.17.0.2' : '172.17.0.3');
    const s = identifyService(o, db);
    assert.equal(s.evidence.find((e) => e.key !== 'x509.issuer')?.fingerprint, want.match, file);
  }
  const ssh = (await readScanFileAll(shared('scans/zgrab2/ssh-ssh.json'), await detectScan(shared('scans/zgrab2/ssh-ssh.json')))).observations[0]!;
  const id = identifyService(ssh, db);
  assert.deepEqual([id.os?.product, id.os?.version, id.service?.product, id.service?.version], ['Linux', '16.04', 'OpenSSH', '7.2p2']);
  assert.ok(id.cpe23.includes('cpe:2.3:a:openbsd:openssh:7.2p2:*:*:*:*:*:*:*'));
});

test('KEV JSON and CSV parse to the same 1,404 entries', { skip }, () => {
  const json = loadKev(shared('intel/cisa-kev.json'));
  const csv = loadKev(shared('intel/cisa-kev.csv'));
  assert.equal(json.catalogVersion, '2025.08.25');
  assert.deepEqual([json.entries.length, json.rejected.length, csv.entries.length, csv.rejected.length], [1404, 0, 1404, 0]);
  assert.deepEqual(csv.entries, json.entries);
  assert.equal(new Set(json.entries.map((e) => e.cveID)).size, 1404);
});

test('advisory devices against the real KEV catalog', { skip }, () => {
  const entries = loadKev(shared('intel/cisa-kev.json')).entries;
  const db = recogDb();
  const dev = (banners: Record<string, string>) => identifyService({ ts: 0, ip: 1n, protocol: 'x', source: 'test', banners }, db);
  const old = matchKev(dev({ 'ftp.banner': 'MikroTik FTP server (MikroTik 6.40.1) ready' }), entries);
  const winbox = old.find((m) => m.cveID === 'CVE-2018-14847');
  assert.deepEqual([winbox?.level, winbox?.versionCheck?.affected, winbox?.versionCheck?.rule.statement], ['version', true, 'through 6.42']);
  const current = matchKev(dev({ 'ftp.banner': 'MikroTik FTP server (MikroTik 6.48.6) ready' }), entries);
  assert.equal(current.some((m) => m.cveID === 'CVE-2018-14847'), false);
  assert.ok(current.some((m) => m.cveID === 'CVE-2018-7445' && m.level === 'product-level'));
  const tplink = matchKev(dev({ 'http_header.wwwauth': 'Basic realm="TP-LINK Wireless N Router WR841N"' }), entries);
  assert.ok(tplink.some((m) => m.cveID === 'CVE-2023-33538' && m.matchedOn === 'model'));
  const dlink = matchKev(dev({ 'http_header.server': 'Linux, HTTP/1.1, DIR-859 Ver 1.06' }), entries);
  assert.deepEqual(dlink.filter((m) => m.matchedOn === 'model').map((m) => m.cveID), ['CVE-2019-17621', 'CVE-2024-0769']);
  const hik = matchKev(dev({ 'http_header.server': 'App-webs/' }), entries);
  assert.deepEqual(hik.map((m) => [m.cveID, m.matchedOn]), [['CVE-2021-36260', 'device-type']]);
});
