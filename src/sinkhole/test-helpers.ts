// What the sinkhole's tests share: a listener runtime on loopback ports in a scratch folder, the
// check-ins its journal holds, and DNS queries over real sockets.
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckIn } from './checkin.js';
import { CONFIG_DEFAULTS, LIMIT_DEFAULTS, type SinkholeConfig } from './config.js';
import { listSegments } from './journal-files.js';
import { ListenerRuntime } from './runtime.js';

export interface TestSinkhole {
  rt: ListenerRuntime;
  dir: string;
  port: (listener: string) => number;
  /** The check-ins in the journal, in order. */
  checkins: () => Promise<CheckIn[]>;
  close: () => Promise<void>;
}

export async function startTestSinkhole(over: Partial<SinkholeConfig> = {}, limits: Partial<SinkholeConfig['limits']> = {}): Promise<TestSinkhole> {
  const dir = await mkdtemp(join(tmpdir(), 'botcensus-sinkhole-'));
  const config: SinkholeConfig = {
    tcp: [],
    listeners: 1,
    names: [{ name: 'c2.example', family: 'raptortrain' }, { name: 'evil.example' }],
    answerV4: ['127.0.0.1'],
    answerV6: ['::1'],
    ttl: 300,
    botId: [],
    headers: CONFIG_DEFAULTS.headers,
    firstBytes: CONFIG_DEFAULTS.firstBytes,
    journal: { ...CONFIG_DEFAULTS.journal, dir: join(dir, 'journal') },
    admin: { host: '127.0.0.1', port: 0 },
    ...over,
    limits: { ...LIMIT_DEFAULTS, prefix: { v4: 32, v6: 128 }, ...limits },
  };
  const rt = new ListenerRuntime(config, 0);
  await rt.start();
  const bound = rt.bound();
  let closed = false;
  return {
    rt,
    dir,
    port: (l) => bound[l]!.port,
    checkins: async () => {
      const out: CheckIn[] = [];
      for (const s of await listSegments(config.journal.dir)) {
        for (const line of (await readFile(s.file, 'utf8')).split('\n')) if (line) out.push(JSON.parse(line) as CheckIn);
      }
      return out;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await rt.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sends one DNS message over UDP from `local` (a loopback address); the answer, or undefined after `waitMs`. */
export function udpQuery(port: number, msg: Buffer, local = '127.0.0.1', waitMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, waitMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.bind(0, local, () => s.send(msg, port, '127.0.0.1'));
  });
}

/** Sends DNS messages over one TCP connection (length-prefixed); resolves with the answers once `count` arrived. */
export function tcpQueries(port: number, msgs: Buffer[], count = msgs.length): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const out: Buffer[] = [];
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', () => {
      for (const m of msgs) {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(m.length);
        s.write(Buffer.concat([len, m]));
      }
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length >= count) {
        s.end();
        resolve(out);
      }
    });
  });
}

/** GET of the admin listener's path: status and body. */
export async function adminGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}
