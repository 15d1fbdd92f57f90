// Reads the hand-written Zeek fixtures (test/fixtures/zeek) through readTelemetry, as the CLI does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseIp } from '../../core/ip.js';
import { readTelemetry, type ReadSummary } from '../../core/reader.js';
import type { DnsRecord, FlowRecord, HttpRecord, TelemetryRecord, TlsRecord } from '../../core/model/telemetry.js';
import { tempDir } from '../../../test/tmp.js';
import { zeekFormat } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/zeek/', import.meta.url));

async function read(path: string): Promise<{ summary: ReadSummary; records: TelemetryRecord[] }> {
  const records: TelemetryRecord[] = [];
  const summary = await readTelemetry(path, zeekFormat, (b) => void records.push(...b));
  return { summary, records };
}

const fixture = (name: string) => read(join(FIXTURES, name));
const ip = (s: string) => parseIp(s)!;
const rejects = (s: ReadSummary) => s.examples.map((e) => [e.line, e.field]);

test('conn TSV with a custom separator and custom unset/empty markers', async () => {
  const { summary, records } = await fixture('conn-custom-separator.log');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [14, 3, 9, 2]);
  assert.deepEqual(rejects(summary), [[12, 'id.orig_h'], [13, 'ts']]);
  const [a, b, c] = records as FlowRecord[];
  assert.deepEqual(
    [a!.ts, a!.te, a!.src, a!.dst, a!.sport, a!.dport, a!.proto, a!.bytes, a!.packets, a!.revBytes, a!.revPackets, a!.state],
    [1714557600250, 1714557602750, ip('192.0.2.10'), ip('198.51.100.7'), 51234, 23, 'tcp', 120, 8, 3400, 6, 'SF'],
  );
  // NIL payload bytes fall back to IP bytes; no duration, no end time.
  assert.deepEqual([b!.bytes, b!.revBytes, b!.te, b!.state], [60, 0, undefined, 'S0']);
  assert.deepEqual([c!.src, c!.dst, c!.proto], [ip('2001:db8::5'), ip('2001:db8:ffff::1'), 'udp']);
});

test('dns TSV: query normalised, answers split and unescaped, question-less lines skipped', async () => {
  const { summary, records } = await fixture('dns.log');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [14, 3, 10, 1]);
  assert.deepEqual(rejects(summary), [[13, 'id.orig_h']]);
  const [a, b, c] = records as DnsRecord[];
  assert.deepEqual(a, {
    kind: 'dns',
    ts: 1714557700000,
    client: ip('10.1.1.20'),
    server: ip('10.1.1.1'),
    query: 'update.bad-vendor.example',
    qtype: 'A',
    answers: ['203.0.113.50', 'cdn.bad-vendor.example'],
    line: 9,
  });
  assert.deepEqual([b!.client, b!.query, b!.qtype, b!.answers], [ip('fd00::20'), 'c2.example.net', 'AAAA', undefined]);
  assert.deepEqual(c!.answers, ['TXT 9 note=a,b', 'TXT 4 ok=1']);
});

test('ssl TSV: sni, leaf certificate sha256, subject, issuer, ja3', async () => {
  const { summary, records } = await fixture('ssl.log');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [11, 2, 9, 0]);
  const [a, b] = records as TlsRecord[];
  assert.equal(a!.sni, 'panel.camera-cloud.example');
  assert.equal(a!.certSha256, 'ab'.repeat(32));
  assert.equal(a!.certSha1, undefined);
  assert.equal(a!.subject, 'CN=panel.camera-cloud.example,O=Cam');
  assert.equal(a!.issuer, 'CN=Cam Root CA');
  assert.equal(a!.ja3, 'e7d705a3286e19ea42f587b344ee6865');
  assert.deepEqual([a!.server, a!.dport], [ip('203.0.113.80'), 8443]);
  assert.deepEqual([b!.sni, b!.certSha256, b!.subject, b!.ja3], [undefined, undefined, undefined, undefined]);
});

test('http TSV: host without port, server header, bad status rejected', async () => {
  const { summary, records } = await fixture('http.log');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [12, 2, 9, 1]);
  assert.deepEqual(rejects(summary), [[11, 'status_code']]);
  const [a, b] = records as HttpRecord[];
  assert.deepEqual(a, {
    kind: 'http',
    ts: 1714557900000,
    client: ip('10.3.3.40'),
    server: ip('198.51.100.90'),
    dport: 8080,
    host: 'loader.example',
    uri: '/bins/mips.x?arch=1',
    method: 'GET',
    userAgent: 'Wget/1.21 (linux-gnu)',
    serverHeader: 'nginx/1.18.0',
    status: 200,
    line: 9,
  });
  assert.deepEqual([b!.host, b!.server, b!.method, b!.status, b!.userAgent, b!.serverHeader], ['2001:db8::80', ip('2001:db8::80'), 'POST', 404, undefined, undefined]);
});

test('malformed capture: indented header, no #path, labels after runs of spaces, short line', async () => {
  const { summary, records } = await fixture('conn-malformed.labeled');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [11, 3, 7, 1]);
  assert.deepEqual(rejects(summary), [[11, 'id.resp_p']]);
  const flows = records as FlowRecord[];
  assert.deepEqual(flows.map((f) => [f.bytes, f.revBytes, f.packets, f.state]), [[10, 20, 3, 'SF'], [11, 21, 3, 'SF'], [12, 22, 3, 'SF']]);
});

test('JSON lines with flat keys, epoch numbers and strings, a zone id, a truncated line', async () => {
  const { summary, records } = await fixture('conn.json.log');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [5, 3, 0, 2]);
  assert.deepEqual(rejects(summary), [[3, 'id.orig_p'], [5, undefined]]);
  const [a, b, c] = records as FlowRecord[];
  assert.deepEqual([a!.ts, a!.te, a!.bytes, a!.revBytes], [1714558200500, 1714558200750, 500, 60]);
  assert.deepEqual([b!.ts, b!.bytes, b!.revBytes, b!.te], [1714558201000, 60, 0, undefined]);
  assert.deepEqual([c!.ts, c!.src, c!.dst, c!.bytes], [1714558203250, ip('fe80::1'), ip('ff02::1:2'), 90]);
});

test('nested JSON with _path and ISO times, other logs as framing, log told from keys', async () => {
  const { summary, records } = await fixture('mixed.ndjson');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [7, 5, 1, 1]);
  assert.deepEqual(rejects(summary), [[7, 'ts']]);
  assert.deepEqual(records.map((r) => [r.kind, r.line]), [['flow', 1], ['dns', 2], ['tls', 3], ['http', 4], ['dns', 6]]);
  const [conn, dns, tls, http, noPath] = records as [FlowRecord, DnsRecord, TlsRecord, HttpRecord, DnsRecord];
  assert.deepEqual([conn.ts, conn.te, conn.src, conn.dport, conn.bytes, conn.revBytes], [Date.UTC(2024, 4, 1, 10, 10, 0, 250), Date.UTC(2024, 4, 1, 10, 10, 3, 250), ip('10.5.5.50'), 7547, 300, 900]);
  assert.deepEqual([dns.query, dns.answers, dns.client], ['mirai-c2.example', ['203.0.113.71'], ip('10.5.5.51')]);
  assert.deepEqual([tls.ts, tls.sni, tls.certSha1, tls.certSha256], [Date.UTC(2024, 4, 1, 10, 10, 2), 'update.example', '0123456789abcdef0123456789abcdef01234567', undefined]);
  assert.deepEqual([http.host, http.uri, http.userAgent, http.status], ['payload.example', '/x.sh', 'curl/7.1', 200]);
  assert.deepEqual([noPath.query, noPath.qtype], ['no-path.example', 'AAAA']);
});

test('a log we do not match on reads as framing only', async () => {
  const { summary } = await fixture('notice.log');
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [10, 0, 10, 0]);
});

test('gzip input through readTelemetry gives the same records', async () => {
  const dir = tempDir();
  const gz = join(dir, 'dns.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, 'dns.log'))));
  const plain = await fixture('dns.log');
  const zipped = await read(gz);
  assert.deepEqual(zipped.summary, plain.summary);
  assert.deepEqual(zipped.records, plain.records);
});

test('without #path, a TSV block is told from the file name when its columns do not say', async () => {
  const dir = tempDir();
  const body = '#separator \\x09\n#fields\tts\tid.orig_h\tid.resp_h\tquery\n1714559000\t10.9.9.9\t10.9.9.1\tExample.COM.\n';
  writeFileSync(join(dir, 'dns.2024-05-01.log'), body);
  writeFileSync(join(dir, 'capture.log'), body.replace('\tquery', '\tqname'));
  const named = await read(join(dir, 'dns.2024-05-01.log'));
  assert.deepEqual((named.records as DnsRecord[]).map((r) => r.query), ['example.com']);
  const unnamed = await read(join(dir, 'capture.log'));
  assert.deepEqual([unnamed.summary.records, unnamed.summary.framing], [0, 3]);
});

test('a data line before any #fields header is rejected', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'conn.log'), '#separator \\x09\n1714559000\tC1\t10.0.0.1\n');
  const { summary } = await read(join(dir, 'conn.log'));
  assert.deepEqual([summary.rejected, summary.examples[0]?.line, summary.examples[0]?.reason], [1, 2, 'data line before the #fields header']);
});
