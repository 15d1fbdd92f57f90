import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { startSmtp } from '../../notify/test-mail.js';
import { standardWorld } from '../../notify/test-scenario.js';
import { notifyCommand, sinceOpt } from './notify.js';
import { ownersCommand } from './owners.js';
import { remediationCommand } from './remediation.js';
import { gatherReportData } from '../../report/report-data.js';
import { stageSources } from '../../report/stage-sources.js';

const fixture = (name: string) => resolve(process.cwd(), 'test/fixtures/notify', name);

/** Runs one command line of our commands against `db`, returning what it printed on stdout. */
async function run(db: string, args: string[]): Promise<string> {
  const program = new Command('botcensus').option('--db <path>').exitOverride();
  for (const c of [ownersCommand(), notifyCommand(), remediationCommand()]) program.addCommand(c.exitOverride());
  let out = '';
  const write = process.stdout.write;
  const log = console.log;
  const err = console.error;
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = () => undefined;
  try {
    await program.parseAsync(['--db', db, ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    console.log = log;
    console.error = err;
  }
  return out;
}

test('owners, notify and remediation from the command line', async () => {
  const db = join(tempDir(), 'cli.duckdb');
  const store = await openTestStore(db);
  await standardWorld(store);
  await store.close();

  await assert.rejects(run(db, ['owners', 'import', fixture('bad-owners.csv')]), /10 problems; nothing imported/);
  assert.deepEqual(JSON.parse(await run(db, ['owners', 'list', '--json'])).owners, []);
  await run(db, ['owners', 'import', fixture('owners.json')]);
  const listed = JSON.parse(await run(db, ['owners', 'list', '--json']));
  assert.deepEqual(listed.owners.map((o: { name: string; victims: number; contact: boolean }) => [o.name, o.victims, o.contact]), [
    ['Customer, 192.0.3.0/28', 1, true],
    ['Example Cable B', 1, false],
    ['Example Mobile C', 1, true],
    ['Example Telecom A', 3, true],
  ]);
  assert.equal(listed.owners[2].webhookSecret, '***');
  assert.deepEqual(listed.noContact, [{ name: 'AS64503 Example IPv6 Net', asn: 64503, asOrg: 'Example IPv6 Net', victims: 1 }]);

  const plan = JSON.parse(await run(db, ['notify', 'plan', '--json', '--from', 'cert@cert.example']));
  assert.deepEqual(plan.owners.map((g: { owner: string; messages: unknown[] }) => [g.owner, g.messages.length]), [
    ['Customer, 192.0.3.0/28', 1],
    ['Example Mobile C', 1],
    ['Example Telecom A', 1],
    ['AS64503 Example IPv6 Net', 0],
    ['Example Cable B', 0],
  ]);
  assert.equal(plan.owners[2].messages[0].payload.attachments[0].filename.endsWith('.csv'), true);
  const text = await run(db, ['notify', 'plan', '--owner', 'Example Telecom A']);
  assert.match(text, /^== Example Telecom A {2}\(en, every 7d, csv-attachment\) {2}3 victims/);
  assert.match(text, /Subject: \[botcensus\] 3 compromised devices in your network \(Example Telecom A\)/);
  assert.match(text, /flow {3}203\.0\.113\.10 .* sensor-\d+\.log:2\n/); // the evidence line: file and line

  const smtp = await startSmtp();
  await run(db, ['notify', 'send', '--smtp', smtp.url, '--from', 'cert@cert.example', '--no-webhooks']);
  assert.deepEqual(smtp.received.map((m) => m.to.join(' ')).sort(), ['abuse@telecom-a.example noc@telecom-a.example', 'secu@client.example']);
  const log = JSON.parse(await run(db, ['notify', 'log', '--json']));
  assert.deepEqual(log.map((r: { owner: string; status: string; victims: string[] }) => [r.owner, r.status, r.victims.length]), [
    ['Example Telecom A', 'sent', 3],
    ['Customer, 192.0.3.0/28', 'sent', 1],
  ]);
  assert.equal(log[0].payload, undefined);
  await run(db, ['notify', 'send', '--smtp', smtp.url, '--from', 'cert@cert.example', '--no-webhooks']);
  assert.equal(smtp.received.length, 2, 'nothing new to send');
  await smtp.close();

  const rem = JSON.parse(await run(db, ['remediation', '--json', '--at', '2030-01-01T00:00:00Z']));
  assert.equal(rem.total.notified, 4);
  assert.deepEqual(rem.byOwner.map((g: { key: string }) => g.key), ['Example Telecom A', 'Customer, 192.0.3.0/28']);
  await assert.rejects(run(db, ['remediation', '--quiet-days', 'x']), /--quiet-days takes a number/);

  // The report carries the same figures.
  const store2 = await openTestStore(db);
  const data = await gatherReportData(store2, { at: Date.parse('2030-01-01T00:00:00Z') }, stageSources(store2));
  await store2.close();
  const section = data.remediation!;
  assert.equal(section.table!.rows[0]![0], 'All notified victims');
  assert.equal(section.table!.rows[0]![1], 4);
  assert.deepEqual(section.table!.rows.slice(1).map((r) => r[0]), rem.byOwner.map((g: { label: string }) => g.label));
});

test('--since takes a date-time or a span back from the reference time (the latest sighting)', () => {
  const now = Date.parse('2024-06-30T00:00:00Z');
  assert.equal(sinceOpt('30d', now), Date.parse('2024-05-31T00:00:00Z'));
  assert.equal(sinceOpt('12h', now), Date.parse('2024-06-29T12:00:00Z'));
  assert.equal(sinceOpt('2w', now), Date.parse('2024-06-16T00:00:00Z'));
  assert.equal(sinceOpt('2024-06-01T00:00:00Z', now), Date.parse('2024-06-01T00:00:00Z'));
  assert.equal(sinceOpt(undefined, now), undefined);
  assert.throws(() => sinceOpt('last week', now), /--since takes a date-time/);
});
