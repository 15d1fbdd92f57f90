// The real command line: `botcensus sinkhole` under load, killed with SIGKILL, restarted and
// drained with SIGTERM; every check-in the clients saw answered is in the store exactly once, and
// the sightings show in `census`, `lookup` and `export`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_MAIN as MAIN, metric, runCli, spawnSinkhole as startSinkhole, storedPerBot, waitDrained } from './harness.js';
import { dnsLoad, dnsQuery, httpLoad } from './load.js';
import { udpQuery } from './test-helpers.js';

const cli = runCli;

describe('botcensus sinkhole (CLI)', () => {
  let dir: string;
  let db: string;
  let args: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcensus-sinkhole-cli-'));
    db = join(dir, 'store.duckdb');
    await writeFile(join(dir, 'names.txt'), '# taken over\nc2.example raptortrain\n');
    args = ['--db', db, 'sinkhole', '--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--domains', join(dir, 'names.txt'),
      '--journal', join(dir, 'journal'), '--bot-id', 'query:id', '--bot-id', 'qname:^([a-z0-9]+)\\.', '--rate', '0', '--conns-per-prefix', '256', '--feed-ms', '200'];
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** kill -9 under load, restart, drain: every answered check-in stored once (what `args` stores, in `db`). */
  async function killAndRestart(args: string[], db: string): Promise<void> {
    const first = await startSinkhole(args);
    const http = httpLoad({ port: first.ports.http!, durationMs: 20_000, concurrency: 16, idPrefix: 'h' });
    const dns = dnsLoad({ port: first.ports.dns!, local: '127.0.0.1', durationMs: 20_000, idPrefix: 'd', zone: 'c2.example', outstanding: 64 });
    // Killed under load, once the store holds some of it and the journal more.
    for (let i = 0; i < 400; i++) {
      if ((await metric(first.ports.admin!, 'written_total')) > 0 && (await metric(first.ports.admin!, 'feeder_lag')) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    assert.equal(await first.exit, null);
    http.stop();
    dns.stop();
    const [h, d] = await Promise.all([http.done, dns.done]);
    if (process.env.BOTCENSUS_DEBUG) console.error('answered before the kill', h.answered.length, d.answered.length);
    assert.ok(h.answered.length > 0 && d.answered.length > 0, `answered http ${h.answered.length}, dns ${d.answered.length}`);

    const second = await startSinkhole(args);
    assert.ok(await waitDrained(second.ports.admin!), 'the feeder caught up within 60 s');
    const after = httpLoad({ port: second.ports.http!, durationMs: 300, concurrency: 2, idPrefix: 'late' });
    const late = await after.done;
    second.child.kill('SIGTERM');
    assert.equal(await second.exit, 0, 'SIGTERM drains and exits 0');

    const stored = await storedPerBot(db, dir);
    const answered = [...h.answered, ...d.answered, ...late.answered];
    const missing = answered.filter((id) => !stored.has(id));
    const doubled = [...stored].filter(([, n]) => n > 1);
    assert.deepEqual(missing, [], 'acknowledged check-ins missing from the store');
    assert.deepEqual(doubled, [], 'check-ins stored twice');
    assert.ok(late.answered.length > 0);
  }

  it('loses no answered check-in and stores none twice across kill -9 and a restart', () => killAndRestart(args, db));

  it('with two listener processes (one journal each), too', async () => {
    const db2 = join(dir, 'two.duckdb');
    const two = args.map((a) => (a === db ? db2 : a === join(dir, 'journal') ? join(dir, 'journal-two') : a));
    await killAndRestart([...two, '--listeners', '2'], db2);
    const imports = JSON.parse(cli(db2, 'imports', '--json')) as { format: string; file: string }[];
    const journals = new Set(imports.filter((i) => i.format === 'sinkhole').map((i) => i.file.split(' ')[1]));
    assert.equal(journals.size, 2, 'both listener processes took check-ins, each into its own journal');
  });

  it('shows the check-ins in census and lookup as confirmed sightings', () => {
    const census = JSON.parse(cli(db, 'census', '--by', 'indicator', '--json')) as { result: { rows: { key: string; count: number }[]; total: number } };
    assert.equal(census.result.rows[0]!.key, 'report:sinkhole:c2.example');
    assert.ok(census.result.total >= 1);
    const family = JSON.parse(cli(db, 'census', '--by', 'family', '--json')) as { result: { rows: { key: string }[] } };
    assert.equal(family.result.rows[0]!.key, 'raptortrain');
    const look = JSON.parse(cli(db, 'lookup', '127.0.0.1', '--json')) as { evidence: { grade: string; kind: string; detail: string }[] };
    assert.ok(look.evidence.length > 0);
    assert.ok(look.evidence.every((e) => e.grade === 'confirmed' && e.kind === 'report' && e.detail === 'sinkhole:c2.example'));
  });

  it('refuses to start without names, with one plain line and a usage exit code', () => {
    const r = spawnSync(process.execPath, [MAIN, '--db', db, 'sinkhole', '--http', '127.0.0.1:0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^botcensus: give the sinkholed names with one of --domains FILE or --from-intel SOURCE\n$/);
    const bad = spawnSync(process.execPath, [MAIN, '--db', db, 'sinkhole', '--http', 'localhost', '--domains', join(dir, 'names.txt')], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--http takes ADDR:PORT/);
  });

  it('sinkholes the domain indicators of an intel source, inside `botcensus serve` on the same store', async () => {
    const db2 = join(dir, 'serve.duckdb');
    await writeFile(join(dir, 'takedown.txt'), 'relay.example\n192.0.2.77\n');
    cli(db2, 'intel', 'import', join(dir, 'takedown.txt'), '--source', 'takedown', '--family', 'relaynet');
    const served = await startSinkhole(['--db', db2, 'serve', '--port', '0', '--dns', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--from-intel', 'takedown', '--journal', join(dir, 'j-serve'), '--feed-ms', '200']);
    assert.match(served.stderr(), /botcensus: serving http:\/\/127\.0\.0\.1:\d+\//);
    const yes = await udpQuery(served.ports.dns!, dnsQuery(1, 'a.relay.example'));
    const no = await udpQuery(served.ports.dns!, dnsQuery(2, 'c2.example'));
    assert.equal(yes!.readUInt16BE(6), 1);
    assert.equal(no![3]! & 0x0f, 5, 'REFUSED');
    served.child.kill('SIGTERM');
    assert.equal(await served.exit, 0);
    const look = JSON.parse(cli(db2, 'lookup', '127.0.0.1', '--json')) as { evidence: { detail: string }[] };
    assert.deepEqual(look.evidence.map((e) => e.detail), ['sinkhole:relay.example']);
    const family = JSON.parse(cli(db2, 'census', '--by', 'family', '--json')) as { result: { rows: { key: string }[] } };
    assert.equal(family.result.rows[0]!.key, 'relaynet');
  });
});
