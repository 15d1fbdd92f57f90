// ingest --prefilter: only the flows near an address indicator are stored, and they give the same
// sightings as storing every flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { importIntelFile, importIntelFiles } from '../../intel/import.js';
import type { DuckDbStore } from '../../store/duckdb/index.js';
import { parseIp } from '../../core/ip.js';
import { sha256File } from '../../core/hash.js';
import { ingestFile } from '../ingest.js';
import { movePrefilteredImport, rescanPrefilteredFlows } from './flow-rescan.js';
import { prefilteredImports } from '../../store/prefiltered-files.js';

const match = { graceMs: 86_400_000 };
const HEADER = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
const flow = (src: string, dst: string, dport = 443, time = '2024-06-01 10:00:00.000') => `${time},1.5,TCP,${src},40000,${dst},${dport},10,1000,1`;

const INDICATORS = ['203.0.113.10', '198.51.100.0/26', '192.0.2.77:8080', '2001:db8::bad'];

// The lines (from line 2) a prefiltered import must store; every other line is far from them all.
const NEAR = new Map<number, string>([
  [5, flow('192.0.2.1', '203.0.113.10')], // matches the IP
  [9, flow('192.0.2.4', '203.0.113.11')], // same /24, no match
  [14, flow('198.51.100.5', '192.0.2.6')], // matches the CIDR, from the indicator's side
  [20, flow('192.0.2.7', '192.0.2.77', 8080)], // matches ip:port
  [21, flow('192.0.2.8', '192.0.2.77', 22)], // same address, other port: no match
  [30, flow('2001:db8::1', '2001:db8::bad')], // matches the IPv6 address
  [31, flow('198.51.100.200', '192.0.2.9')], // same /24 as the CIDR, outside it
]);

function flowFile(extra: string[] = []): string {
  const lines = [HEADER];
  for (let n = 2; n <= 40; n++) lines.push(NEAR.get(n) ?? flow(`100.65.${n}.2`, `100.64.${n}.1`));
  const f = join(tempDir(), 'flows.csv');
  writeFileSync(f, [...lines, ...extra].join('\n') + '\n');
  return f;
}

async function storeWithIndicators(): Promise<DuckDbStore> {
  const store = await openTestStore();
  const intel = join(tempDir(), 'iocs.txt');
  writeFileSync(intel, INDICATORS.join('\n') + '\n');
  const r = await importIntelFile(store, intel, { source: 'test', match });
  assert.ok(r.status === 'imported' && r.indicators === INDICATORS.length);
  return store;
}

const sightingsOf = (store: DuckDbStore) =>
  store.db.all(
    `SELECT s.victim, i.value, s.kind, s.first_line, s.events, s.to_indicator FROM sightings s JOIN indicators i ON i.id = s.indicator_id ORDER BY ALL`,
  );

async function ingestBoth(file: string, opts: { lineByLine?: boolean } = {}) {
  const full = await storeWithIndicators();
  const pre = await storeWithIndicators();
  const r = await ingestFile(full, file, { match, ...opts });
  const p = await ingestFile(pre, file, { match, prefilter: true, ...opts });
  assert.ok(r.status === 'imported' && p.status === 'imported');
  return { full, pre, r, p };
}

test('--prefilter stores only the flows near an indicator, and they give the same sightings', async () => {
  const { full, pre, r, p } = await ingestBoth(flowFile());
  assert.ok(p.fast, 'the prefilter and DuckDB read the file');
  const stored = await pre.db.all<{ line: number }>(`SELECT line FROM flows ORDER BY line`);
  assert.deepEqual(stored.map((x) => x.line), [...NEAR.keys()]);
  // The stored rows are those a full import stores for the same lines.
  const rowsOf = (s: DuckDbStore, where: string) => s.db.all(`SELECT * EXCLUDE (import_id) FROM flows ${where} ORDER BY line`);
  assert.deepEqual(await rowsOf(pre, ''), await rowsOf(full, `WHERE line IN (${[...NEAR.keys()].join(',')})`));
  const sightings = await sightingsOf(pre);
  assert.deepEqual(sightings, await sightingsOf(full));
  assert.deepEqual(sightings.map((s) => Number(s.first_line)).sort((a, b) => a - b), [5, 14, 20, 30]);
  // Counted, not lost: every data line was read and checked.
  assert.equal(p.counts.records, r.counts.records);
  assert.equal(p.counts.prefiltered, 39 - NEAR.size);
  assert.equal((await pre.listImports()).at(-1)!.prefiltered, 39 - NEAR.size);
  assert.equal((await full.listImports()).at(-1)!.prefiltered, undefined);
  // Re-importing the same file changes nothing, with or without --prefilter.
  assert.equal((await ingestFile(pre, flowFile(), { match, prefilter: true })).status, 'duplicate');
  assert.equal((await ingestFile(pre, flowFile(), { match })).status, 'duplicate');
  assert.equal((await pre.listImports()).at(-1)!.sha256, await sha256File(flowFile()));
  await full.close();
  await pre.close();
});

test('the line reader prefilters the same way, and still names a bad line among the dropped ones', async () => {
  const slow = await ingestBoth(flowFile(), { lineByLine: true });
  const fast = await ingestBoth(flowFile());
  assert.deepEqual(await sightingsOf(slow.pre), await sightingsOf(fast.pre));
  assert.deepEqual(
    await slow.pre.db.all(`SELECT * EXCLUDE (import_id) FROM flows ORDER BY line`),
    await fast.pre.db.all(`SELECT * EXCLUDE (import_id) FROM flows ORDER BY line`),
  );
  assert.equal(slow.p.counts.prefiltered, fast.p.counts.prefiltered);
  // Gzipped, the file goes through the line reader's filter and comes out the same.
  const gz = join(tempDir(), 'flows.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(flowFile())));
  const zipped = await ingestBoth(gz);
  assert.ok(zipped.p.status === 'imported' && !zipped.p.fast);
  assert.deepEqual(await sightingsOf(zipped.pre), await sightingsOf(fast.pre));
  assert.equal(zipped.p.counts.prefiltered, fast.p.counts.prefiltered);
  for (const s of [slow, fast, zipped]) for (const x of [s.full, s.pre]) await x.close();

  // A far line with a bad time: the scan keeps it, DuckDB refuses it, the line reader names it.
  const bad = flowFile([flow('100.65.99.2', '100.64.99.1', 443, '2024-13-01 10:00:00.000')]);
  const store = await storeWithIndicators();
  const r = await ingestFile(store, bad, { match, prefilter: true });
  assert.ok(r.status === 'imported' && !r.fast);
  assert.equal(r.counts.rejected, 1);
  assert.deepEqual([r.counts.examples[0]!.line, r.counts.examples[0]!.field], [41, 'firstSeen']);
  assert.equal(r.counts.prefiltered, 39 - NEAR.size);
  assert.equal(Number((await store.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM flows`))!.n), NEAR.size);
  await store.close();
});

const laterIntel = (name: string, lines: string[]) => {
  const f = join(tempDir(), name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
};
const flowLines = (s: DuckDbStore) => s.db.all<{ line: number }>(`SELECT line FROM flows ORDER BY line`).then((r) => r.map((x) => x.line));

test('indicators imported later have the prefiltered file scanned again: the same sightings as storing every flow', async () => {
  const file = flowFile();
  const { full, pre, p } = await ingestBoth(file);
  assert.ok(p.status === 'imported' && p.fast);
  // 203.0.113.11 was stored (near 203.0.113.10); lines 3 and 7 were dropped; 2001:db8::1 was stored (in the /48 of 2001:db8::bad).
  const later = laterIntel('later.txt', ['203.0.113.11', '100.64.3.1', '100.65.7.0/24', '2001:db8::1']);
  const a = await importIntelFile(full, later, { source: 'later', match });
  const b = await importIntelFile(pre, later, { source: 'later', match });
  assert.ok(a.status === 'imported' && b.status === 'imported');
  assert.deepEqual(a.rescan, { files: 0, flows: 0, covered: [], skipped: [], ms: a.rescan!.ms }, 'a store of every flow has nothing to scan again');
  assert.deepEqual([b.rescan!.files, b.rescan!.flows, b.rescan!.skipped], [1, 2, []]);
  // Lines 3 and 7 joined the import, once each (the lines the scan keeps again are not doubled).
  assert.deepEqual(await flowLines(pre), [3, 7, ...NEAR.keys()].sort((x, y) => x - y));
  const rowsOf = (s: DuckDbStore, lines: number[]) => s.db.all(`SELECT * EXCLUDE (import_id) FROM flows WHERE line IN (${lines.join(',')}) ORDER BY line`);
  assert.deepEqual(await rowsOf(pre, [3, 7]), await rowsOf(full, [3, 7]));
  const sightings = await sightingsOf(pre);
  assert.deepEqual(sightings, await sightingsOf(full));
  assert.deepEqual(
    sightings.filter((s) => ['100.64.3.1', '100.65.7.0/24'].includes(s.value as string)).map((s) => [s.value, Number(s.first_line)]),
    [['100.65.7.0/24', 7], ['100.64.3.1', 3]], // by victim: 100.64.7.1, 100.65.3.2
  );
  assert.equal((await pre.listImports()).find((i) => i.id === p.importId)!.prefiltered, 39 - NEAR.size - 2);
  assert.equal(b.sightings, a.sightings);

  // Indicators whose /24s the store knows already: every line near them was kept; nothing to scan.
  const known = await importIntelFile(pre, laterIntel('known.txt', ['100.64.3.9', '203.0.113.12']), { source: 'known', match });
  assert.ok(known.status === 'imported');
  assert.deepEqual([known.rescan!.files, known.rescan!.flows], [0, 0]);
  // The same file again: a duplicate, nothing scanned or stored.
  assert.equal((await importIntelFile(pre, later, { source: 'later', match })).status, 'duplicate');
  assert.deepEqual(await flowLines(pre), [3, 7, ...NEAR.keys()].sort((x, y) => x - y));
  await full.close();
  await pre.close();
});

test('intel files imported together have the prefiltered file read once, or once per batch when they hold too many indicators', async () => {
  const files = [laterIntel('a.txt', ['100.64.3.1']), laterIntel('b.txt', ['100.64.4.1', '100.64.6.1'])];
  for (const [batch, reads] of [
    [1_000_000, [[1, 3], undefined]],
    [1, [[1, 1], [1, 2]]],
  ] as const) {
    const store = await storeWithIndicators();
    await ingestFile(store, flowFile(), { match, prefilter: true });
    const seen: unknown[] = [];
    await importIntelFiles(store, files, { match }, (_file, r) => seen.push(r instanceof Error ? r.message : r.status === 'imported' && r.rescan && [r.rescan.files, r.rescan.flows]), batch);
    assert.deepEqual(seen, reads, `batches of ${batch}`);
    assert.deepEqual(await flowLines(store), [3, 4, 6, ...NEAR.keys()].sort((x, y) => x - y));
    await store.close();
  }
});

test('a gzipped prefiltered file is read again line by line: the same sightings as storing every flow', async () => {
  const gz = join(tempDir(), 'flows.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(flowFile())));
  const { full, pre, p } = await ingestBoth(gz);
  assert.ok(p.status === 'imported' && !p.fast);
  const later = laterIntel('later.txt', ['203.0.113.11', '100.64.3.1', '100.65.7.0/24', '2001:db8::1']);
  for (const s of [full, pre]) assert.equal((await importIntelFile(s, later, { source: 'later', match })).status, 'imported');
  assert.deepEqual(await flowLines(pre), [3, 7, ...NEAR.keys()].sort((x, y) => x - y));
  const rowsOf = (s: DuckDbStore) => s.db.all(`SELECT * EXCLUDE (import_id) FROM flows WHERE line IN (3, 7) ORDER BY line`);
  assert.deepEqual(await rowsOf(pre), await rowsOf(full));
  assert.deepEqual(await sightingsOf(pre), await sightingsOf(full));
  assert.equal((await pre.listImports()).find((i) => i.id === p.importId)!.prefiltered, 39 - NEAR.size - 2);
  await full.close();
  await pre.close();
});

test('a line near the new indicators that DuckDB refuses sends the file to the line reader, which stores the rest', async () => {
  // Line 41 is far at import (dropped, though its port is out of range); the scan keeps it later.
  const store = await storeWithIndicators();
  const p = await ingestFile(store, flowFile([flow('100.65.70.2', '100.64.70.1', 99999)]), { match, prefilter: true });
  assert.ok(p.status === 'imported' && p.fast);
  const r = await importIntelFile(store, laterIntel('later.txt', ['100.64.70.1', '100.64.3.1']), { source: 'later', match });
  assert.ok(r.status === 'imported');
  assert.deepEqual([r.rescan!.files, r.rescan!.flows, r.rescan!.skipped], [1, 1, []]);
  assert.deepEqual(await flowLines(store), [3, ...NEAR.keys()].sort((x, y) => x - y));
  const later = await store.db.all<{ value: string; first_line: number }>(
    `SELECT i.value, s.first_line FROM sightings s JOIN indicators i ON i.id = s.indicator_id WHERE i.source = 'later'`,
  );
  assert.deepEqual(later, [{ value: '100.64.3.1', first_line: 3 }]);
  await store.close();
});

test('a prefiltered file that moved or changed is named, and its dropped flows stay unmatched', async () => {
  const { renameSync, appendFileSync, utimesSync } = await import('node:fs');
  const intel = (name: string, ip: string, opts: { rescan?: boolean } = {}) =>
    importIntelFile(store, laterIntel(name, [ip]), { source: name, match, ...opts }).then((r) => {
      assert.ok(r.status === 'imported');
      return r;
    });
  const store = await storeWithIndicators();
  // Four files, each with a far line of its own (the same bytes would be one import).
  const far = (k: number) => [flow(`100.65.${50 + k}.2`, `100.64.${50 + k}.1`)];
  const moved = flowFile(far(0));
  const changed = flowFile(far(1));
  const touched = flowFile(far(2));
  const gz = join(tempDir(), 'flows.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(flowFile(far(3)))));
  for (const f of [moved, changed, touched, gz]) assert.equal((await ingestFile(store, f, { match, prefilter: true })).status, 'imported');
  renameSync(moved, moved + '.old');
  appendFileSync(changed, flow('100.65.60.2', '100.64.60.1') + '\n');
  // Touched, same bytes: the hash says it is the same file.
  utimesSync(touched, new Date(), new Date(Date.now() + 5000));

  // --no-rescan: nothing is read again.
  const off = await intel('off.txt', '100.64.6.1', { rescan: false });
  assert.equal(off.rescan, undefined);
  assert.equal(off.sightings, 0);

  // The two files that can be read are read for off.txt's indicator too (they lag behind it):
  // lines 4 and 6 join each.
  const r = await intel('on.txt', '100.64.4.1');
  assert.deepEqual([r.rescan!.files, r.rescan!.flows], [2, 4]);
  const reasons = r.rescan!.skipped.map((s) => s.reason);
  assert.equal(reasons.length, 2);
  assert.match(reasons[0]!, /no longer at .*flows\.csv/);
  assert.match(reasons[1]!, /changed since it was imported/);
  assert.deepEqual(
    r.rescan!.skipped.map((s) => s.file),
    [moved, changed],
  );
  // The sightings come from the touched file and the gzipped one, the two read again.
  const found = await store.db.all<{ file: string; first_line: number }>(
    `SELECT m.file, s.first_line FROM sightings s JOIN indicators i ON i.id = s.indicator_id JOIN imports m ON m.id = s.import_id WHERE i.source = 'on.txt' ORDER BY m.id`,
  );
  assert.deepEqual(found, [
    { file: touched, first_line: 4 },
    { file: gz, first_line: 4 },
  ]);
  const caughtUp = await store.db.all<{ file: string; first_line: number }>(
    `SELECT m.file, s.first_line FROM sightings s JOIN indicators i ON i.id = s.indicator_id JOIN imports m ON m.id = s.import_id WHERE i.source = 'off.txt' ORDER BY m.id`,
  );
  assert.deepEqual(caughtUp, [
    { file: touched, first_line: 6 },
    { file: gz, first_line: 6 },
  ]);
  await store.close();
});

const victimFold = (s: DuckDbStore) => s.db.all(`SELECT * FROM victim_fold ORDER BY victim`);
const coverOf = async (s: DuckDbStore, importId: number) => (await prefilteredImports(s.driver)).find((i) => i.importId === importId)!.source!.coveredThrough;

test('a prefiltered file that lagged behind indicators (imported with --no-rescan) is read for them at the next intel import: the same sightings as storing every flow', async () => {
  // Line 41 is kept at import (198.51.100.201 is in the CIDR indicator's /24), line 42 is not;
  // a /16 imported later matches both, for the same victim in the same hour.
  const file = flowFile([flow('198.51.100.201', '100.66.1.1'), flow('198.51.7.7', '100.66.1.1')]);
  const { full, pre, p } = await ingestBoth(file);
  assert.ok(p.status === 'imported' && p.fast);
  const first = await pre.lastIndicatorImport();
  assert.equal(await coverOf(pre, p.importId), first);

  const lagging = laterIntel('lagging.txt', ['198.51.0.0/16', '100.64.3.1']);
  assert.equal((await importIntelFile(full, lagging, { source: 'lagging', match })).status, 'imported');
  const x = await importIntelFile(pre, lagging, { source: 'lagging', match, rescan: false });
  assert.ok(x.status === 'imported' && x.rescan === undefined);
  assert.equal(await coverOf(pre, p.importId), first, '--no-rescan: the file lags behind');
  const groupOf = (st: DuckDbStore) =>
    st.db.all<{ events: bigint; first_line: number }>(
      `SELECT s.events, s.first_line FROM sightings s JOIN indicators i ON i.id = s.indicator_id WHERE i.value = '198.51.0.0/16' AND s.victim = $v`,
      { v: parseIp('100.66.1.1')! },
    );
  assert.deepEqual((await groupOf(pre)).map((g) => Number(g.events)), [1], 'only the line kept at import');
  assert.deepEqual((await groupOf(full)).map((g) => Number(g.events)), [2]);

  // The next intel import reads the file for its own /24s and for those of lagging.txt.
  const next = laterIntel('next.txt', ['100.64.4.1']);
  assert.equal((await importIntelFile(full, next, { source: 'next', match })).status, 'imported');
  const y = await importIntelFile(pre, next, { source: 'next', match });
  assert.ok(y.status === 'imported');
  assert.deepEqual([y.rescan!.files, y.rescan!.flows, y.rescan!.covered, y.rescan!.skipped], [1, 3, [p.importId], []]);
  assert.deepEqual(await flowLines(pre), [3, 4, 42, 41, ...NEAR.keys()].sort((a, b) => a - b));
  // Matched again, the hour's group is one row of two events, as in the store of every flow.
  assert.deepEqual((await groupOf(pre)).map((g) => [Number(g.events), g.first_line]), [[2, 41]]);
  assert.deepEqual(await sightingsOf(pre), await sightingsOf(full));
  assert.deepEqual(await victimFold(pre), await victimFold(full));
  assert.equal(await coverOf(pre, p.importId), y.importId);

  // Covered now: indicators in /24s it was read for need no read.
  const z = await importIntelFile(pre, laterIntel('z.txt', ['198.51.9.9', '100.64.3.7']), { source: 'z', match });
  assert.ok(z.status === 'imported');
  assert.deepEqual([z.rescan!.files, z.rescan!.flows, z.rescan!.covered], [0, 0, [p.importId]]);
  assert.equal(await coverOf(pre, p.importId), z.importId, 'nothing to read for them: covered through them');
  await full.close();
  await pre.close();
});

test('a prefiltered file that moved is read again once its new place is given, and catches up with the indicators it missed', async () => {
  const { renameSync } = await import('node:fs');
  const file = flowFile();
  const { full, pre, p } = await ingestBoth(file);
  assert.ok(p.status === 'imported');
  renameSync(file, file + '.moved');
  const later = laterIntel('later.txt', ['100.64.3.1', '100.65.7.0/24']);
  assert.equal((await importIntelFile(full, later, { source: 'later', match })).status, 'imported');
  const r = await importIntelFile(pre, later, { source: 'later', match });
  assert.ok(r.status === 'imported');
  assert.match(r.rescan!.skipped[0]!.reason, /no longer at/);
  assert.notDeepEqual(await sightingsOf(pre), await sightingsOf(full));

  // Nothing lags but the moved file, which cannot be read yet: nothing is read.
  const none = await rescanPrefilteredFlows(pre, [], { graceMs: match.graceMs });
  assert.deepEqual([none.files, none.skipped.length], [0, 1]);
  // A file with other bytes is refused, and the recorded place stays.
  const other = flowFile([flow('100.65.90.2', '100.64.90.1')]);
  await assert.rejects(movePrefilteredImport(pre, p.importId, other), /not the file of import #\d+ .*SHA-256 differs/);
  await assert.rejects(movePrefilteredImport(pre, 999, file + '.moved'), /import #999 is not a prefiltered flow import/);
  assert.equal((await prefilteredImports(pre.driver))[0]!.source!.path, file);

  await movePrefilteredImport(pre, p.importId, file + '.moved');
  const caught = await rescanPrefilteredFlows(pre, [], { graceMs: match.graceMs });
  assert.deepEqual([caught.files, caught.flows, caught.skipped], [1, 2, []]);
  assert.deepEqual(await flowLines(pre), [3, 7, ...NEAR.keys()].sort((a, b) => a - b));
  assert.deepEqual(await sightingsOf(pre), await sightingsOf(full));
  assert.deepEqual(await victimFold(pre), await victimFold(full));
  assert.equal(await coverOf(pre, p.importId), r.importId);
  // Again: nothing left to read.
  const again = await rescanPrefilteredFlows(pre, [], { graceMs: match.graceMs });
  assert.deepEqual([again.files, again.flows], [0, 0]);
  await full.close();
  await pre.close();
});

test('prefiltered files recorded before their cover and span count as covered by the indicators stored when the store is opened, and are read for any window', async () => {
  const store = await storeWithIndicators();
  const p = await ingestFile(store, flowFile(), { match, prefilter: true });
  assert.ok(p.status === 'imported');
  const x = await importIntelFile(store, laterIntel('x.txt', ['100.64.3.1']), { source: 'x', match, rescan: false });
  assert.ok(x.status === 'imported');
  await store.db.run(`UPDATE prefiltered_files SET covered_through = NULL, span_from = NULL, span_to = NULL`);
  const path = store.db.path;
  await store.close();
  const reopened = await openTestStore(path);
  assert.equal(await coverOf(reopened, p.importId), x.importId);
  // Their span is not known: they are read for indicators of any window.
  assert.equal((await prefilteredImports(reopened.driver))[0]!.source!.span, undefined);
  const july = await importIntelFile(reopened, stixIntel('july.json', ['100.64.6.1'], '2024-07-01T00:00:00Z'), { source: 'july', match });
  assert.ok(july.status === 'imported');
  assert.deepEqual([july.rescan!.files, july.rescan!.flows], [1, 1]);
  await reopened.close();
});

/** A STIX bundle of one indicator per address, valid over [from, until). */
const stixIntel = (name: string, ips: string[], from: string, until?: string) => {
  const f = join(tempDir(), name);
  const objects = ips.map((ip, i) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: from,
    ...(until ? { valid_until: until } : {}),
  }));
  writeFileSync(f, JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects }));
  return f;
};

test('a prefiltered file is not read again for indicators whose windows miss its flows, and counts as covered through them', async () => {
  // Every line starts at 10:00 on 1 June 2024 (the dropped ones too: the scan's span).
  const { full, pre, p } = await ingestBoth(flowFile());
  assert.ok(p.status === 'imported' && p.fast);
  const span = (await prefilteredImports(pre.driver))[0]!.source!.span;
  assert.deepEqual(span, { from: Date.UTC(2024, 5, 1, 10), to: Date.UTC(2024, 5, 1, 10, 0, 59, 999) });
  const both = async (file: string, opts: { rescan?: boolean } = {}) => {
    const a = await importIntelFile(full, file, { source: file, match });
    const b = await importIntelFile(pre, file, { source: file, match, ...opts });
    assert.ok(a.status === 'imported' && b.status === 'imported');
    return b;
  };
  // Valid from July on (a day's grace: from 30 June): no flow of the file can match.
  const july = await both(stixIntel('july.json', ['100.64.3.1'], '2024-07-01T00:00:00Z'));
  assert.deepEqual([july.rescan!.files, july.rescan!.covered], [0, [p.importId]]);
  assert.equal(await coverOf(pre, p.importId), july.importId);
  // Valid for half an hour before the flows: within the grace, so the file is read.
  const morning = await both(stixIntel('morning.json', ['100.64.4.1'], '2024-06-01T09:00:00Z', '2024-06-01T09:30:00Z'));
  assert.deepEqual([morning.rescan!.files, morning.rescan!.flows], [1, 1]);
  // Indicators the file lags behind are chosen by window too (in SQL): an old one, imported with
  // --no-rescan, is not read for; a later one that matches is.
  const old = await both(stixIntel('old.json', ['100.64.6.1'], '2023-01-01T00:00:00Z', '2023-02-01T00:00:00Z'), { rescan: false });
  assert.equal(old.rescan, undefined);
  const none = await both(laterIntel('known.txt', ['203.0.113.12']));
  assert.deepEqual([none.rescan!.files, none.rescan!.covered], [0, [p.importId]], 'the lagging indicator is out of its window: nothing to read');
  // A catch-up alone does the same: nothing to read for a lagging indicator out of its window,
  // and the file is covered through it.
  const old2 = await both(stixIntel('old2.json', ['100.64.9.1'], '2023-01-01T00:00:00Z', '2023-02-01T00:00:00Z'), { rescan: false });
  assert.equal(await coverOf(pre, p.importId), none.importId);
  const caught = await rescanPrefilteredFlows(pre, [], { graceMs: match.graceMs });
  assert.deepEqual([caught.files, caught.covered], [0, [p.importId]]);
  assert.equal(await coverOf(pre, p.importId), old2.importId);
  const late = await both(stixIntel('late.json', ['100.64.7.1'], '2024-05-01T00:00:00Z'), { rescan: false });
  assert.equal(late.rescan, undefined);
  const next = await both(laterIntel('next.txt', ['100.64.8.1']));
  assert.deepEqual([next.rescan!.files, next.rescan!.flows], [1, 2], 'lines 7 and 8: the lagging indicator in its window, and the new one');
  assert.deepEqual(await flowLines(pre), [4, 7, 8, ...NEAR.keys()].sort((a, b) => a - b));
  assert.deepEqual(await sightingsOf(pre), await sightingsOf(full));
  assert.deepEqual(await victimFold(pre), await victimFold(full));
  await full.close();
  await pre.close();
});

test('the line reader records the span of the flows it dropped, with those it stored', async () => {
  const gz = join(tempDir(), 'flows.csv.gz');
  const text = readFileSync(flowFile([flow('100.65.90.2', '100.64.90.1', 443, '2024-05-30 23:15:00.000'), flow('192.0.2.1', '203.0.113.10', 443, '2024-06-03 01:00:00.000')]));
  writeFileSync(gz, gzipSync(text));
  const store = await storeWithIndicators();
  const p = await ingestFile(store, gz, { match, prefilter: true });
  assert.ok(p.status === 'imported' && !p.fast);
  // The earliest line was dropped, the latest stored.
  assert.deepEqual((await prefilteredImports(store.driver))[0]!.source!.span, { from: Date.UTC(2024, 4, 30, 23, 15), to: Date.UTC(2024, 5, 3, 1) });
  await store.close();
});
