import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { dnsQuery } from './load.js';
import { metricValue } from './metrics.js';
import { adminGet, startTestSinkhole, udpQuery, type TestSinkhole } from './test-helpers.js';

/** Sends `count` queries from each of `sources` as fast as the sockets take them; answers are ignored. */
async function flood(port: number, sources: string[], count: number): Promise<void> {
  await Promise.all(
    sources.map(
      (local) =>
        new Promise<void>((resolve) => {
          const s = createSocket('udp4');
          s.on('message', () => undefined);
          s.bind(0, local, () => {
            let left = count;
            const next = () => {
              if (left-- <= 0) return s.close(() => resolve());
              s.send(dnsQuery(left & 0xffff, `f${left}.c2.example`), port, '127.0.0.1', next);
            };
            next();
          });
        }),
    ),
  );
}

/** One query with retries, as a stub resolver would: the answer's rcode and answer count, or undefined. */
async function ask(port: number, local: string, name: string): Promise<Buffer | undefined> {
  for (let i = 0; i < 5; i++) {
    const a = await udpQuery(port, dnsQuery(1000 + i, name), local, 500);
    if (a) return a;
  }
  return undefined;
}

describe('under a flood', () => {
  let s: TestSinkhole;
  before(async () => {
    s = await startTestSinkhole({ dns: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 } }, { ratePerSecond: 20, burst: 20, maxPrefixes: 50, maxShedPrefixes: 20 });
  });
  after(() => s.close());

  it('sheds the flooding source, counted per prefix, while other sources are answered and health stays green', async () => {
    const port = s.port('dns');
    const t0 = Date.now();
    const flooding = flood(port, ['127.0.0.2'], 5000).then(() => Date.now());
    const answers: (Buffer | undefined)[] = [];
    const healths: number[] = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await ask(port, `127.0.0.${3 + (i % 3)}`, `legit${i}.c2.example`));
      healths.push((await adminGet(s.port('admin'), '/health')).status);
    }
    const t1 = await flooding;
    assert.ok(answers.every((a) => a && a.readUInt16BE(6) === 1), 'every legitimate query answered');
    assert.deepEqual(healths, Array(10).fill(200));
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    const shed = metricValue(m, 'shed_by_prefix_total', { listener: 'dns-udp', prefix: '127.0.0.2' })!;
    assert.ok(shed > 0, 'the flood was shed');
    for (const k of [3, 4, 5]) assert.equal(metricValue(m, 'shed_by_prefix_total', { listener: 'dns-udp', prefix: `127.0.0.${k}` }), undefined);
    // What the flood got through is bounded by its bucket, not by how much it sent.
    const all = await s.checkins();
    const t2 = Date.now();
    const fromFlood = all.filter((c) => c.src === '127.0.0.2').length;
    assert.equal(fromFlood + all.filter((c) => c.src !== '127.0.0.2').length, metricValue(m, 'accepted_total', { listener: 'dns-udp' }));
    // Its bucket, made after t0: 20 at once and 20 a second, whatever the flood sent.
    assert.ok(fromFlood <= 20 + Math.ceil((20 * (t2 - t0)) / 1000), `journaled from the flood: ${fromFlood} in ${t2 - t0} ms (it sent for ${t1 - t0} ms)`);
  });

  it('keeps its per-prefix state bounded when the flood comes from many sources', async () => {
    const sources = Array.from({ length: 120 }, (_, i) => `127.0.${10 + (i >> 6)}.${(i & 63) + 1}`);
    await flood(s.port('dns'), sources, 30);
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    assert.ok(metricValue(m, 'tracked_prefixes', { listener: 'dns-udp' })! <= 51);
    const shedLines = m.split('\n').filter((l) => l.startsWith('botcensus_sinkhole_shed_by_prefix_total{listener="dns-udp"'));
    assert.ok(shedLines.length <= 21, `${shedLines.length} shed series`);
    const other = await ask(s.port('dns'), '127.0.0.6', 'after.c2.example');
    assert.equal(other?.readUInt16BE(6), 1);
  });

  it('counts the datagrams the kernel dropped at the full socket: each one sent is read or counted dropped', async () => {
    const port = s.port('dns');
    const read = async () => {
      const m = (await adminGet(s.port('admin'), '/metrics')).body;
      let n = metricValue(m, 'answered_total', { listener: 'dns-udp' })!;
      for (const reason of ['rate', 'malformed', 'queue']) n += metricValue(m, 'shed_total', { listener: 'dns-udp', reason }) ?? 0;
      return { read: n, dropped: metricValue(m, 'udp_receive_drops_total', { listener: 'dns-udp' })! };
    };
    const before = await read();
    // The listener runs in this process: while spawnSync waits for the sender, nothing reads the
    // socket, so 40,000 queries overflow its 8 MB receive buffer.
    const sender = `import { createSocket } from 'node:dgram';
      const s = createSocket('udp4');
      const q = Buffer.from('${dnsQuery(7, 'kernel.c2.example').toString('hex')}', 'hex');
      let ok = 0, done = 0;
      const send = () => s.send(q, ${port}, '127.0.0.1', (err) => {
        if (!err) ok++;
        if (++done < 40000) send();
        else s.close(() => console.log(ok));
      });
      s.bind(0, '127.0.0.7', send);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', sender], { encoding: 'utf8', timeout: 60_000 });
    const sent = Number(run.stdout.trim());
    assert.ok(sent > 39_000, `sent ${run.stdout} ${run.stderr}`);
    let after = await read();
    for (let i = 0; i < 50 && after.read - before.read + after.dropped - before.dropped < sent; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await read();
    }
    assert.ok(after.dropped - before.dropped > 0, 'the kernel dropped some');
    assert.equal(after.read - before.read + (after.dropped - before.dropped), sent);
  });
});
