// Listener processes that die: `botcensus serve` and `botcensus sinkhole` do not go on as if all
// were well. The other listener processes drain, every journal is stored, and the process exits 1
// with one line naming the listener process that ended.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:cluster';
import { CONFIG_DEFAULTS, LIMIT_DEFAULTS, type SinkholeConfig } from './config.js';
import { fetchMetrics, spawnSinkhole, storedPerBot } from './harness.js';
import { metricValue } from './metrics.js';
import { ListenerProcess } from './listener-pool.js';
import { dnsLoad } from './load.js';

describe('a listener process that ends unasked', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcensus-sinkhole-procs-'));
    await writeFile(join(dir, 'names.txt'), 'c2.example\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const command of ['serve', 'sinkhole']) {
    it(`stops \`botcensus ${command}\` with exit 1 and a line naming it, after storing what was answered`, async () => {
      const db = join(dir, `${command}.duckdb`);
      const extra = command === 'serve' ? ['--port', '0'] : [];
      const s = await spawnSinkhole(['--db', db, command, ...extra, '--dns', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--domains', join(dir, 'names.txt'), '--journal', join(dir, `j-${command}`),
        '--listeners', '2', '--rate', '0', '--feed-ms', '200', '--bot-id', 'qname:^([a-z0-9]+)\\.']);
      assert.equal(s.listenerPids.length, 2);
      const load = await dnsLoad({ port: s.ports.dns!, local: '127.0.0.1', durationMs: 1500, idPrefix: 'd', zone: 'c2.example', outstanding: 16 }).done;
      assert.ok(load.answered.length > 0);
      process.kill(s.listenerPids[1]!, 'SIGKILL');
      const code = await s.exit;
      assert.equal(code, 1, s.stderr());
      const lines = s.stderr().trim().split('\n');
      assert.match(lines.at(-1)!, /^botcensus: sinkhole listener process 2 \(pid \d+: dns 127\.0\.0\.1:\d+\) ended unexpectedly \(signal SIGKILL\)$/);
      assert.ok(!s.stderr().includes('    at '), 'no stack trace');
      // Both journals were stored in the drain, the dead process's too.
      const stored = await storedPerBot(db, dir);
      assert.deepEqual(load.answered.filter((id) => stored.get(id) !== 1), []);
    });
  }
});

describe('a stop signal to the whole process group (Ctrl-C, systemctl stop)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: the main process drains its listener processes, stores everything, and exits 0`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'botcensus-sinkhole-group-'));
      try {
        await writeFile(join(dir, 'names.txt'), 'c2.example\n');
        const db = join(dir, 'store.duckdb');
        const s = await spawnSinkhole(['--db', db, 'sinkhole', '--dns', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--domains', join(dir, 'names.txt'), '--journal', join(dir, 'j'),
          '--listeners', '2', '--rate', '0', '--feed-ms', '60000', '--bot-id', 'qname:^([a-z0-9]+)\\.'], { group: true });
        const load = await dnsLoad({ port: s.ports.dns!, local: '127.0.0.1', durationMs: 1000, idPrefix: 'g', zone: 'c2.example', outstanding: 16 }).done;
        assert.ok(load.answered.length > 0);
        // The admin listener adds the processes' counts up and keeps each journal's own.
        const m = await fetchMetrics(s.ports.admin!);
        const lastSeqs = m.split('\n').filter((l) => l.startsWith('botcensus_sinkhole_journal_last_sequence{journal="')).map((l) => Number(l.split(' ')[1]));
        assert.equal(lastSeqs.length, 2);
        assert.equal(metricValue(m, 'accepted_total', { listener: 'dns-udp' }), lastSeqs[0]! + lastSeqs[1]!);
        assert.ok(lastSeqs[0]! + lastSeqs[1]! >= load.answered.length);
        process.kill(-s.child.pid!, signal);
        assert.equal(await s.exit, 0, s.stderr());
        assert.match(s.stderr(), /botcensus: sinkhole stopped; the journal is stored\n$/);
        const stored = await storedPerBot(db, dir);
        assert.deepEqual(load.answered.filter((id) => stored.get(id) !== 1), []);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('a listener process that fails', () => {
  it('says why it ended: the message of the failure, no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botcensus-sinkhole-crash-'));
    try {
      const config: SinkholeConfig = {
        dns: { host: '127.0.0.1', port: 0 }, tcp: [], listeners: 1, names: [{ name: 'c2.example' }], answerV4: ['127.0.0.1'], answerV6: [], ttl: 300, botId: [],
        headers: CONFIG_DEFAULTS.headers, firstBytes: 256, journal: { ...CONFIG_DEFAULTS.journal, dir: join(dir, 'j') }, limits: LIMIT_DEFAULTS,
      };
      const l = new ListenerProcess(0, config, 0);
      await l.start();
      const ended = new Promise<string>((resolve) => (l.onUnexpectedEnd = resolve));
      // A message the process cannot handle makes a genuine uncaught failure inside it.
      (l as unknown as { worker: Worker }).worker.send({ type: 'init' });
      const how = await ended;
      assert.match(how, /^exit code 70: Cannot read properties of undefined/);
      assert.equal((await l.report()).health['listener process 1']?.ok, false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
