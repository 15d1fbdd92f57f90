// botcensus mail through the built binary: scan mailboxes with a malformed message in them, list
// the campaigns, export the tracking campaign's beacon hosts, add them as intel and see a reader's
// DNS lookup of a beacon host become a sighting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mailboxes, ordinaryMail, Random, toMbox, trackingCampaign } from '../../src/mail/corpus.js';
import { addressIn } from '../geo-addresses.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const mail = join(dir, 'mail');
const rnd = new Random(5);
const boxes = mailboxes(60);
const targets = boxes.slice(0, 12);
mkdirSync(mail);
writeFileSync(join(mail, 'archive.mbox.gz'), gzipSync(toMbox(ordinaryMail(300, boxes, rnd))));
for (const m of trackingCampaign(targets, 'path', rnd)) {
  mkdirSync(join(mail, m.recipient, 'cur'), { recursive: true });
  mkdirSync(join(mail, m.recipient, 'new'), { recursive: true });
  writeFileSync(join(mail, m.recipient, 'cur', `${m.messageId}:2,S`), m.raw);
}
const broken = join(mail, 'broken.eml');
writeFileSync(broken, 'this is no message\n');
const BEACON = 'stats.diplomat-weekly-cdn.example';

interface Campaign {
  id: string;
  verdict: string;
  recipients: string[];
  beaconHosts: string[];
  evidence: string[];
}

test('mail scan reads everything, names the malformed message with file and byte, and exits 1', () => {
  const r = cli(['--db', db, 'mail', 'scan', mail]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), `botcensus: created a new store at ${db}\nbotcensus: ${broken}: byte 0: does not start with a header field`);
  assert.match(r.stdout, /^14 files, 312 messages: 312 new, 0 stored already; 1 malformed$/m);
  assert.match(r.stdout, /campaigns: 1 tracking, /);
  const again = cli(['--db', db, 'mail', 'scan', mail, '--json']);
  const j = JSON.parse(again.stdout) as { added: number; duplicates: number; problems: { file: string; offset: number }[] };
  assert.deepEqual([j.added, j.duplicates, j.problems.map((p) => [p.file, p.offset])], [0, 312, [[broken, 0]]]);
});

test('mail campaigns: the tracking campaign with its recipients and beacon host; the table and JSON agree', () => {
  const rows = cliJson<Campaign[]>(['--db', db, 'mail', 'campaigns']);
  const tracking = rows.filter((c) => c.verdict === 'tracking');
  assert.equal(tracking.length, 1);
  assert.deepEqual(tracking[0]!.recipients, [...targets].sort());
  assert.deepEqual(tracking[0]!.beaconHosts, [BEACON]);
  const table = cli(['--db', db, 'mail', 'campaigns', '--verdict', 'tracking']);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`^${tracking[0]!.id} tracking\\s+12 msgs\\s+12 recipients .* beacons: ${BEACON.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(table.stdout, /per-recipient token in path segment 2 of stats\.diplomat-weekly-cdn\.example: 12 recipients/);
  const one = cli(['--db', db, 'mail', 'campaign', tracking[0]!.id]);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(one.stdout.split('\n').filter((l) => l.includes('Weekly briefing')).length, 13, 'the subject line and each of 12 messages');
  const missing = cli(['--db', db, 'mail', 'campaign', 'nope']);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr.trim(), 'botcensus: no campaign "nope" (botcensus mail campaigns lists them)');
});

test('mail export-indicators: text, STIX and MISP', () => {
  assert.equal(cli(['--db', db, 'mail', 'export-indicators']).stdout, `${BEACON}\n`);
  const stix = JSON.parse(cli(['--db', db, 'mail', 'export-indicators', '--format', 'stix']).stdout) as { objects: { pattern: string; labels: string[] }[] };
  assert.deepEqual(stix.objects.map((o) => o.pattern), [`[domain-name:value = '${BEACON}']`]);
  assert.equal(stix.objects[0]!.labels[0], 'mail-tracking');
  const out = join(dir, 'beacons.misp.json');
  assert.equal(cli(['--db', db, 'mail', 'export-indicators', '--format', 'misp', '--out', out]).status, 0);
  const imported = cli(['--db', join(dir, 'other.duckdb'), 'intel', 'import', out, '--json']);
  assert.equal((JSON.parse(imported.stdout) as { indicators: number }[])[0]!.indicators, 1, imported.stderr);
});

test('mail add-intel: the beacon hosts become an intel source; a reader whose client looked one up is a sighting', () => {
  const r = cli(['--db', db, 'mail', 'add-intel']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^1 beacon hosts added as intel source mail-tracking \(import #\d+\), 0 new sightings$/m);
  assert.match(cli(['--db', db, 'mail', 'add-intel']).stdout, /added already .* nothing changed/);
  const list = cliJson<{ value: string; source: string }[]>(['--db', db, 'intel', 'list']);
  assert.deepEqual(list.map((i) => [i.value, i.source]), [['stats.diplomat-weekly-cdn.example', 'mail-tracking']]);
  // The campaign now also names its beacon host as an indicator in the store.
  const [c] = cliJson<Campaign[]>(['--db', db, 'mail', 'campaigns', '--verdict', 'tracking']);
  assert.ok(c!.evidence.some((e) => e === `${BEACON} is an indicator in the store (${BEACON}, source mail-tracking)`), c!.evidence.join('\n'));

  // Indicators imported later: the listing says the judgement is older; mail judge judges again.
  const more = join(dir, 'more.txt');
  writeFileSync(more, '203.0.113.77\n');
  assert.equal(cli(['--db', db, 'intel', 'import', more]).status, 0);
  assert.match(cli(['--db', db, 'mail', 'campaigns']).stderr, /indicators were imported since these campaigns were judged; botcensus mail judge/);
  assert.match(cli(['--db', db, 'mail', 'judge']).stdout, /^campaigns: 1 tracking, /);
  assert.doesNotMatch(cli(['--db', db, 'mail', 'campaigns']).stderr, /were judged/);

  const reader = addressIn('DE', 5);
  const dns = join(dir, 'dns.log');
  writeFileSync(
    dns,
    [
      '#separator \\x09',
      '#path\tdns',
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring',
      `${Date.UTC(2026, 11, 3) / 1000}.000000\tC1\t${reader}\t5353\t192.0.2.53\t53\tudp\t${BEACON}`,
    ].join('\n') + '\n',
  );
  const ingest = cli(['--db', db, 'ingest', dns]);
  assert.equal(ingest.status, 0, ingest.stderr);
  const lookup = cli(['--db', db, 'lookup', reader]);
  assert.match(lookup.stdout, new RegExp(BEACON.replace(/\./g, '\\.')));
});

test('bad input: a path that does not exist is one plain line and exit 1; a bad --format is a usage error', () => {
  const missing = join(dir, 'no-such-mailbox');
  const r = cli(['--db', db, 'mail', 'scan', missing]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^botcensus: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read: ENOENT`));
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  const f = cli(['--db', db, 'mail', 'export-indicators', '--format', 'pdf']);
  assert.notEqual(f.status, 0);
  assert.match(f.stderr, /argument 'pdf' is invalid/);
});
