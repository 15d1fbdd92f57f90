import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/tmp.js';
import { NearNets } from './near-nets.js';
import { nfdumpLayout } from '../flow-csv-layout.js';
import { columnChecks, prefilterFlowCsv, scanWorkers, spanOfTimes } from './flow-prefilter.js';
import { ipv6Of, quadOf, scanChunk } from './flow-prefilter-scan.js';
import { isV4, parseIp, V4_MAPPED_BASE } from '../../core/ip.js';

const HEADER = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
const line = (src: string, dst: string, time = '2024-06-01 10:00:00.000', port = '443') => `${time},1.5,TCP,${src},40000,${dst},${port},10,1000,1`;

// The indicators' networks: 203.0.113.0/24 and 198.51.100.0/24; 2001:db8::/48 (of 2001:db8::bad).
function nets(): NearNets {
  const n = new NearNets();
  n.v4.addRange(0xcb007100, 0xcb0071ff);
  n.v4.addRange(0xc6336420, 0xc6336420);
  n.addAddressRange(parseIp('2001:db8::bad')!, parseIp('2001:db8::bad')!);
  return n;
}

/** What a chunk's scan takes of the networks. */
const netsSpec = (n: NearNets) => ({ bits: n.v4.buffer, v6: n.v6.packed() });

// Line number -> why it must be kept (or undefined: dropped).
const LINES: [string, string | undefined][] = [
  [line('192.0.2.1', '203.0.113.10'), 'dst near'],
  [line('192.0.2.1', '192.0.2.2'), undefined],
  [line('198.51.100.250', '192.0.2.2'), 'src near (same /24 as the indicator)'],
  ['', undefined], // blank
  [line('2001:db8::1', '192.0.2.2'), 'IPv6, src in the /48'],
  [line('192.0.2.1', '2001:db8:1::bad'), undefined], // IPv6 in the next /48
  [line('2001:DB8:0:FFFF:FFFF:FFFF:FFFF:FFFF', '192.0.2.2'), 'IPv6, the /48\'s last address, upper case'],
  [line('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8:1::'), undefined], // the addresses either side of the /48
  [line('::ffff:cb00:7101', '192.0.2.2'), 'IPv4-mapped in hex, near'],
  [line('::ffff:c000:201', '192.0.2.2'), undefined], // IPv4-mapped in hex, far
  [line('::ffff:192.0.2.1', '192.0.2.2'), 'IPv4 in IPv6 text: the line reader decides'],
  [line('2001:db8:1::1%eth0', '192.0.2.2'), 'a zone'],
  [line('2001:db8:1::1::2', '192.0.2.2'), 'two ::'],
  [line('2001:db8:1:0:0:0:0:0:1', '192.0.2.2'), 'nine groups'],
  [line('2001:db8:1:0:0:0:1', '192.0.2.2'), 'seven groups, no ::'],
  [line('2001:db8:1::1:2:3:4:5:6', '192.0.2.2'), ':: for no group'],
  [line('2001:db8:10000::1', '192.0.2.2'), 'five hex digits'],
  [line('2001:db8:1::g', '192.0.2.2'), 'not hex'],
  [line('::', '::1'), undefined], // the shortest addresses, far
  [line('1::', '2001:db8:1:0:0:0:0:1'), undefined],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01 25:00:00.000'), 'bad hour'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01 10:00'), undefined], // minutes only: a valid time
  [line('192.0.2.1', '192.0.2.02'), 'leading zero'],
  [line('192.0.2.1', '192.0.2.256'), 'octet over 255'],
  [line('192.0.2.1', '192.0.2.1000'), 'four digits'],
  [line('192.0.2', '192.0.2.2'), 'three parts'],
  [line('192.0.2.1.5', '192.0.2.2'), 'five parts'],
  [line('192..2.1', '192.0.2.2'), 'empty part'],
  [line(' 192.0.2.1', '192.0.2.2'), 'leading space'],
  [line('192.0.2.1 ', '192.0.2.2'), 'trailing space'],
  [line('255.255.255.255', '0.0.0.0'), undefined], // the extremes are addresses
  [line('192.0.2.1', '192.0.2.2', '2024-06-01T10:00:00.123456789'), undefined], // a T, nine fraction digits
  [line('192.0.2.1', '192.0.2.2', '2024-06-01 10:00:00.'), 'no fraction digits'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01 10:00:60'), 'second 60'],
  [line('192.0.2.1', '192.0.2.2', '2024-00-01 10:00:00'), 'month 0'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-32 10:00:00'), 'day 32'],
  [line('192.0.2.1', '192.0.2.2', '2024-13-01 10:00:00'), 'month 13'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01 10:60:00'), 'minute 60'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01 24:00:00'), 'hour 24'],
  [line('192.0.2.1', '192.0.2.2', '2O24-06-01 10:00:00'), 'a letter in the year'],
  [line('192.0.2.1', '192.0.2.2', '2024/06/01 10:00:00'), 'slashes'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01_10:00:00'), 'neither a space nor a T'],
  [line('192.0.2.1', '192.0.2.2', '2024-06-01'), 'a date alone'],
  [line('192.0.2.1', '192.0.2.2', '2024-12-31 23:59:59'), undefined], // the last of every field
  [line('192.0.2.1', '192.0.2.2x'), 'a byte after an address'],
  [line('192.0.2.1', '192.0.2.2') + 'x\r', undefined], // the last column is not checked
  [line('192.0.2.1', '192.0.2.2').replace(',TCP,', ',T\rP,'), 'a carriage return inside'],
  [line('192.0.2.1', '192.0.2.2', undefined, '44x'), 'port not digits'],
  [line('192.0.2.1', '192.0.2.2', undefined, ''), undefined], // an empty port is allowed
  [line('192.0.2.1', '192.0.2.2') + ',extra', 'too many fields'],
  [line('192.0.2.1', '192.0.2.2').split(',').slice(0, 9).join(','), 'too few fields'],
  [line('192.0.2.1', '192.0.2.2') + '\r', undefined], // CRLF
  [line('192.0.2.3', '203.0.113.99') + '\r', 'near, CRLF'],
  [line('192.0.2.4', '192.0.2.5'), undefined],
  [line('192.0.2.6', '203.0.113.1'), 'near, last line, no newline'],
];

function writeFixture(): string {
  const f = join(tempDir(), 'flows.csv');
  writeFileSync(f, [HEADER, ...LINES.map((l) => l[0])].join('\n'));
  return f;
}

/**
 * A dotted quad as quadOf reads it: the IPv4 number when parseIp takes it as a dotted quad,
 * unpadded (the SQL conversion refuses padding and IPv4 inside IPv6 text, and the line reader then
 * takes the file), else empty.
 */
const asQuad = (a: string | undefined) => {
  const n = a === undefined || a.trim() !== a || a.includes(':') ? null : parseIp(a);
  return n !== null && isV4(n) ? String(n - V4_MAPPED_BASE) : '';
};

/**
 * An address as the kept line gives it: the store's number (parseIp's) for a plain dotted quad
 * and for IPv6 text of hex groups alone (no dotted tail, no zone, unpadded), else empty.
 */
const asNumber = (a: string | undefined) => {
  if (asQuad(a) !== '') return String(parseIp(a!)!);
  const n = a === undefined || !/^[0-9a-fA-F:]+$/.test(a) ? null : parseIp(a);
  return n === null ? '' : String(n);
};

/** Expected `<file line>,<src>,<dst>,<line>` of the kept lines. */
const expected = LINES.flatMap(([text, why], i) => {
  const f = text.replace(/\r$/, '').split(',');
  return why ? [`${i + 2},${asNumber(f[3])},${asNumber(f[5])},${text.replace(/\r$/, '')}`] : [];
});

const layout = () => nfdumpLayout([HEADER, line('192.0.2.1', '192.0.2.2')])!;

/** Scans `file` in chunks split at `cuts`; the kept lines with file line numbers, and the start times' span. */
function scanInChunks(file: string, cuts: number[], readSize?: number): { kept: string[]; lines: number; blank: number; span?: string[] } {
  const bounds = [0, ...cuts, statSync(file).size];
  const dir = tempDir();
  let first = 2;
  let lines = 0;
  let blank = 0;
  const kept: string[] = [];
  const times: number[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const out = join(dir, `k${k}.csv`);
    const r = scanChunk({ file, start: bounds[k]!, end: bounds[k + 1]!, header: k === 0, out, checks: columnChecks(layout()), addresses: [3, 5], ...netsSpec(nets()), readSize });
    for (const l of readFileSync(out, 'latin1').split('\n').filter(Boolean)) {
      const comma = l.indexOf(',');
      kept.push(`${first + Number(l.slice(0, comma))},${l.slice(comma + 1)}`);
    }
    assert.equal(r.kept, readFileSync(out, 'latin1').split('\n').filter(Boolean).length);
    first += r.lines;
    lines += r.lines;
    blank += r.blank;
    times.push(...(r.times ?? []));
  }
  const span = times.length ? spanOfTimes(Math.min(...times), Math.max(...times), 'text') : undefined;
  return { kept, lines, blank, span: span && [new Date(span.from).toISOString(), new Date(span.to).toISOString()] };
}

// The start times of the fixture's lines whose time passes its check: 10:00 on 1 June (with and
// without seconds, a T, nine fraction digits) up to 23:59:59 on 31 December, to the minute.
const SPAN = ['2024-06-01T10:00:00.000Z', '2024-12-31T23:59:59.999Z'];

test('the prefilter keeps every line near an indicator, IPv6, or odd in any way, with its line number and plain IPv4 addresses as numbers', () => {
  const f = writeFixture();
  const whole = scanInChunks(f, []);
  assert.deepEqual(whole.kept, expected);
  assert.equal(whole.lines, LINES.length);
  assert.equal(whole.blank, 1);
  assert.deepEqual(whole.span, SPAN);
  // Only the lines whose time is good count: a bad one is kept, and DuckDB's load names it or
  // takes its time into the import's span.
  const early = join(tempDir(), 'early.csv');
  writeFileSync(early, [HEADER, line('192.0.2.1', '192.0.2.2', '2024-06-01 25:00:00'), line('192.0.2.1', '192.0.2.2', '2023-01-09 08:07:59.5')].join('\n'));
  assert.deepEqual(scanInChunks(early, []).span, ['2023-01-09T08:07:00.000Z', '2023-01-09T08:07:59.999Z']);
  // No good time at all: no span.
  const none = join(tempDir(), 'none.csv');
  writeFileSync(none, [HEADER, line('192.0.2.1', '192.0.2.2', '2024-06-01 25:00:00')].join('\n'));
  assert.equal(scanInChunks(none, []).span, undefined);
});

test('the span of epoch-millisecond start times is exact', () => {
  const h = HEADER;
  const rows = [1717236000123, 1717200000000, 1717239599999].map((ms) => line('192.0.2.1', '192.0.2.2', String(ms)));
  const f = join(tempDir(), 'epoch.csv');
  writeFileSync(f, [h, ...rows, line('192.0.2.1', '192.0.2.2', '17172000000000')].join('\n')); // 14 digits: kept, not counted
  const l = nfdumpLayout([h, rows[0]!])!;
  assert.equal(l.startKind, 'epoch-ms');
  const r = scanChunk({ file: f, start: 0, end: statSync(f).size, header: true, out: join(tempDir(), 'k.csv'), checks: columnChecks(l), addresses: [3, 5], ...netsSpec(nets()) });
  assert.deepEqual(r.times, [1717200000000, 1717239599999]);
  assert.deepEqual(spanOfTimes(r.times![0], r.times![1], 'epoch-ms'), { from: 1717200000000, to: 1717239599999 });
});

test('split anywhere, and read through a small buffer, the chunks together see each line once', () => {
  const f = writeFixture();
  const size = statSync(f).size;
  for (let cut = 1; cut < size; cut += 7) {
    const r = scanInChunks(f, [cut], 128);
    assert.deepEqual(r.kept, expected, `cut at byte ${cut}`);
    assert.equal(r.lines, LINES.length, `cut at byte ${cut}`);
    assert.deepEqual(r.span, SPAN, `cut at byte ${cut}`);
  }
  // Three chunks, cuts right after a newline and right before one.
  const text = readFileSync(f, 'latin1');
  const nl = text.indexOf('\n', 300);
  assert.deepEqual(scanInChunks(f, [nl, nl + 1, size - 3]).kept, expected);
  // A line longer than the read buffer is an error, not a silently cut line.
  assert.throws(() => scanInChunks(f, [], 64), /a line longer than 64 bytes/);
});

test('prefilterFlowCsv shares chunks out to worker threads and numbers them from the header', async () => {
  // Chunks of 2 MiB for two workers: the near lines are spread over the whole file.
  const rows = [HEADER];
  const near: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const hit = i % 9973 === 0;
    if (hit) near.push(i + 2);
    // Times over 2 to 29 June, the extremes in the middle of the file.
    const day = i === 51_234 ? 2 : i === 61_234 ? 29 : 10 + (i % 9);
    const time = `2024-06-${String(day).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07.250`;
    rows.push(line(`192.0.${(i >> 8) & 255}.${i & 255}`, hit ? '203.0.113.7' : `192.0.2.${i & 127}`, time));
  }
  const f = join(tempDir(), 'big.csv');
  writeFileSync(f, rows.join('\n') + '\n');
  const dir = tempDir();
  const r = await prefilterFlowCsv(f, layout(), nets(), dir, { workers: 2, chunkSize: 2 << 20 });
  assert.equal(r.chunks.length, Math.ceil(statSync(f).size / (2 << 20)));
  assert.equal(r.lines, 100_000);
  assert.equal(r.kept, near.length);
  // Line 51,234 is at 2 June 18:54, line 61,234 at 29 June 10:34.
  assert.deepEqual(r.span, { from: Date.UTC(2024, 5, 2, 18, 54), to: Date.UTC(2024, 5, 29, 10, 34, 59, 999) });
  const got = r.chunks.flatMap((c) =>
    readFileSync(c.file, 'latin1')
      .split('\n')
      .filter(Boolean)
      .map((l) => c.firstLine + Number(l.split(',')[0])),
  );
  assert.deepEqual(got, near);
});

test('more kept lines than the loop can hand back at once are all written, in order', () => {
  // 400k short lines, all kept (too few fields): a 4 MiB read holds more than the loop's output
  // area (about 175k lines), so it hands them back in several calls.
  const f = join(tempDir(), 'short.csv');
  writeFileSync(f, HEADER + '\n' + 'a,b\n'.repeat(400_000));
  const out = join(tempDir(), 'kept.csv');
  const r = scanChunk({ file: f, start: 0, end: statSync(f).size, header: true, out, checks: columnChecks(layout()), addresses: [3, 5], ...netsSpec(nets()) });
  assert.deepEqual([r.lines, r.kept], [400_000, 400_000]);
  const kept = readFileSync(out, 'latin1').split('\n').filter(Boolean);
  assert.equal(kept.length, 400_000);
  assert.ok(kept.every((l, i) => l === `${i},,,a,b`), 'every line once, numbered in order');
});

test('quadOf reads exactly the plain dotted quads parseIp takes, at any column, to the field end', () => {
  const texts = ['192.0.2.1', '0.0.0.0', '255.255.255.255', '10.0.0.1', '01.2.3.4', '1.2.3.04', '1.00.3.4', '0.0.0.00', '1.2.3.256', '1.2.3.1000',
    '1..2.3', '1.2.3.', '.1.2.3', '1.2.3.4.5', '1.2.3', '', ' 1.2.3.4', '1.2.3.4 ', '+1.2.3.4', '1e2.1.1.1', '0x1.2.3.4', '2001:db8::1', '::ffff:1.2.3.4', '1.2.3.4x'];
  for (const a of texts) {
    for (const [col, text] of [[0, `${a},x`], [1, `x,${a}`], [1, `x,${a},y`]] as const) {
      const bytes = Buffer.from(`junk${text}junk`, 'latin1');
      const got = quadOf(bytes, 4, bytes.length - 4, col);
      assert.equal(got < 0 ? '' : String(got), asQuad(a), `${JSON.stringify(a)} in column ${col} of ${JSON.stringify(text)}`);
    }
  }
});

test('the scan workers serve file after file, and one that fails is not used again', async () => {
  const f = join(tempDir(), 'flows.csv');
  writeFileSync(f, [HEADER, ...LINES.map((l) => l[0])].join('\n'));
  const keptLines = async (r: Awaited<ReturnType<typeof prefilterFlowCsv>>) =>
    r.chunks.flatMap((c) => readFileSync(c.file, 'latin1').split('\n').filter(Boolean).map((l) => c.firstLine + Number(l.split(',')[0])));
  const want = expected.map((l) => Number(l.split(',')[0]));
  const first = await prefilterFlowCsv(f, layout(), nets(), tempDir(), { workers: 2, chunkSize: 512 });
  assert.deepEqual(await keptLines(first), want);
  const started = scanWorkers.started;
  for (let i = 0; i < 3; i++) assert.deepEqual(await keptLines(await prefilterFlowCsv(f, layout(), nets(), tempDir(), { workers: 2, chunkSize: 512 })), want);
  assert.equal(scanWorkers.started, started, 'no new worker for the next files');
  // A line longer than a worker's 4 MiB buffer fails the scan; the next file gets sound workers.
  const long = join(tempDir(), 'long.csv');
  writeFileSync(long, [HEADER, line('192.0.2.1', '192.0.2.2'), 'x'.repeat(5 << 20), line('192.0.2.1', '192.0.2.2')].join('\n'));
  await assert.rejects(prefilterFlowCsv(long, layout(), nets(), tempDir(), { workers: 2, chunkSize: 1 << 20 }), /a line longer than/);
  assert.deepEqual(await keptLines(await prefilterFlowCsv(f, layout(), nets(), tempDir(), { workers: 2, chunkSize: 512 })), want);
});

test('the scan reads every shape of dotted quad: all 81 part-length patterns, each bound, near or far', () => {
  // Parts of one, two and three digits at their bounds, and the near misses of each shape.
  const parts = [['0', '7', '9'], ['10', '42', '99'], ['100', '199', '255']];
  const wrong = ['00', '05', '256', '300', '999', '010', '1000', ''];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const quads: string[] = [];
  for (let shape = 0; shape < 81; shape++) {
    for (let k = 0; k < 4; k++) {
      const lengths = [27, 9, 3, 1].map((w) => Math.floor(shape / w) % 3);
      const good = lengths.map((l) => parts[l]![rand(3)]!);
      quads.push(good.join('.'));
      // The same shape with one part spoiled.
      const bad = [...good];
      bad[rand(4)] = wrong[rand(wrong.length)]!;
      quads.push(bad.join('.'));
    }
  }
  quads.push('1.2.3', '1.2.3.4.5', '1.2.3.4.', '.1.2.3.4', '111.222.233.244.1', '1111.2.3.4', '1.2.3.4567', '255.255.255.2555');
  // The /24s of a third of the good addresses are near: the scan must compute each value right.
  const n = new NearNets();
  const strict = (a: string) => asQuad(a) !== '' && !a.split('.').some((p) => p.length > 1 && p.startsWith('0'));
  const near = new Set<string>();
  quads.forEach((a, i) => {
    if (strict(a) && i % 3 === 0) {
      const v = Number(asQuad(a));
      n.v4.addRange(v, v);
      near.add(a.split('.').slice(0, 3).join('.'));
    }
  });
  const rows = quads.flatMap((a, i) => [line(a, `192.0.${i % 2}.1`), line(`192.0.${i % 2}.2`, a)]);
  const f = join(tempDir(), 'quads.csv');
  writeFileSync(f, [HEADER, ...rows].join('\n') + '\n');
  const out = join(tempDir(), 'kept.csv');
  const r = scanChunk({ file: f, start: 0, end: statSync(f).size, header: true, out, checks: columnChecks(layout()), addresses: [3, 5], ...netsSpec(n) });
  const kept = new Set(readFileSync(out, 'latin1').split('\n').filter(Boolean).map((l) => Number(l.split(',')[0])));
  let dropped = 0;
  rows.forEach((row, i) => {
    const a = quads[i >> 1]!;
    const keep = !strict(a) || near.has(a.split('.').slice(0, 3).join('.'));
    if (!keep) dropped++;
    assert.equal(kept.has(i), keep, `${JSON.stringify(a)} in ${i % 2 ? 'dst' : 'src'}: ${keep ? 'kept' : 'dropped'}`);
  });
  assert.equal(r.kept, rows.length - dropped);
  assert.ok(dropped > 300 && r.kept > 300, `both kinds tested (${dropped} dropped, ${r.kept} kept)`);
});

test('the scan reads IPv6 exactly as the kept lines are converted: every compression, case and length, near or far', () => {
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const hexDigits = '0123456789abcdefABCDEF';
  // Near: 2001:db8::/48 (nets()), the IPv4 /24s as IPv4-mapped hex, and groups drawn from few values so both kinds occur.
  const groupOf = (v: number) => {
    const h = v.toString(16);
    return rand(4) === 0 ? h.padStart(4, '0') : rand(3) === 0 ? h.toUpperCase() : h;
  };
  const texts: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const kind = rand(4);
    const groups =
      kind === 0
        ? [0x2001, 0xdb8, rand(2), rand(3), rand(2) * 0xffff, 0, rand(2), rand(65536)] // in or next to 2001:db8::/48
        : kind === 1
          ? [0, 0, 0, 0, 0, 0xffff, [0xcb00, 0xc633, 0xc000][rand(3)]!, 0x7100 + rand(2) * 0x100 + rand(256)] // IPv4-mapped
          : Array.from({ length: 8 }, () => [0, 1, 0xffff, rand(65536)][rand(4)]!);
    let text = groups.map(groupOf).join(':');
    // Compress a run of groups (perhaps all zero, perhaps not: then it is another address, still valid).
    if (rand(2)) {
      const from = rand(8);
      const to = from + 1 + rand(8 - from);
      const g = text.split(':');
      text = [g.slice(0, from).join(':'), g.slice(to).join(':')].join('::');
    }
    // Spoil a third of them.
    if (rand(3) === 0) {
      const spoil = rand(7);
      if (spoil === 0) text = text + ':';
      else if (spoil === 1) text = ':' + text;
      else if (spoil === 2) text = text.replace(':', ':::');
      else if (spoil === 3) text = text + hexDigits[rand(hexDigits.length)]!.repeat(4);
      else if (spoil === 4) text = text + '::1';
      else if (spoil === 5) text = text.replace(/[0-9a-f]/i, 'g');
      else text = text + '1:2:3:4:5:6:7:8:9';
    }
    texts.push(text);
  }
  texts.push('::', '::1', '1::', '::ffff:cb00:7101', '0:0:0:0:0:ffff:cb00:7101', '2001:db8::', ':', ':::', '1', '', '0:0:0:0:0:0:0:0:0');
  const n = nets();
  const rows = texts.flatMap((a, i) => [line(a, `192.0.${i % 2}.1`), line(`192.0.${i % 2}.2`, a)]);
  const f = join(tempDir(), 'ipv6.csv');
  writeFileSync(f, [HEADER, ...rows].join('\n') + '\n');
  const out = join(tempDir(), 'kept.csv');
  scanChunk({ file: f, start: 0, end: statSync(f).size, header: true, out, checks: columnChecks(layout()), addresses: [3, 5], ...netsSpec(n) });
  const kept = new Set(readFileSync(out, 'latin1').split('\n').filter(Boolean).map((l) => Number(l.split(',')[0])));
  const counts = { far: 0, near: 0, odd: 0 };
  rows.forEach((_, i) => {
    const a = texts[i >> 1]!;
    const bytes = Buffer.from(a, 'latin1');
    const number = ipv6Of(bytes, 0, bytes.length);
    const keep = number === undefined || n.near(number);
    counts[number === undefined ? 'odd' : keep ? 'near' : 'far']++;
    assert.equal(kept.has(i), keep, `${JSON.stringify(a)} in ${i % 2 ? 'dst' : 'src'}: ${keep ? 'kept' : 'dropped'}`);
  });
  assert.ok(counts.far > 500 && counts.near > 500 && counts.odd > 500, `every kind tested: ${JSON.stringify(counts)}`);
});
