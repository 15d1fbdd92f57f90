// DNS over UDP and TCP: authoritative for the sinkholed names and everything under them (A and
// AAAA answers pointing at the sinkhole, NOERROR with no answer for other types), REFUSED for any
// other name, never recursive. Each source prefix gets `ratePerSecond` responses (response-rate
// limiting): past it, responses are dropped, every `slip`-th one sent truncated so a real client
// retries over TCP. A sinkholed question is a check-in, answered once it is in the journal.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4, isIPv6, createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { CheckIn } from './checkin.js';
import type { Component, Health, MetricSample } from './component.js';
import type { ListenAddr, Limits } from './config.js';
import { buildResponse, encodeAnswers, errorResponse, isClassIn, NO_ANSWERS, parseQuery, QTYPE, RCODE, type AnswerRecords } from './dns-wire.js';
import { checkIn, plainAddress, type ListenerDeps } from './listener.js';
import { udpReceiveDrops } from './udp-drops.js';

export interface DnsConfig {
  listen: ListenAddr;
  answerV4: string[];
  answerV6: string[];
  ttl: number;
  limits: Limits;
}

/** Largest query taken over TCP. */
const TCP_MAX_QUERY = 4096;

export class DnsListener implements Component {
  readonly name = 'dns';
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  /** The answer records of A and AAAA questions, the same for every name: encoded once. */
  private readonly a: AnswerRecords;
  private readonly aaaa: AnswerRecords;
  private slipCount = 0;
  private slipWindow = 0;
  private slipsLeft = 0;
  private local = { address: '', port: 0 };
  private readonly conns = new Set<TcpSocket>();

  constructor(
    readonly config: DnsConfig,
    private readonly deps: ListenerDeps,
    /** TCP counts kept apart from UDP's. */
    private readonly tcpDeps: ListenerDeps,
  ) {
    const a = config.answerV4.filter((x) => isIPv4(x)).map((x) => ({ type: QTYPE.A, rdata: Buffer.from(x.split('.').map(Number)) }));
    const aaaa = config.answerV6.filter((x) => isIPv6(x)).map((x) => ({ type: QTYPE.AAAA, rdata: v6Bytes(x) }));
    this.a = encodeAnswers(a, config.ttl);
    this.aaaa = encodeAnswers(aaaa, config.ttl);
  }

  /** The bound UDP address (the TCP listener takes the same port). */
  address(): ListenAddr {
    return { host: this.local.address, port: this.local.port };
  }

  async start(): Promise<void> {
    // With port 0 the system picks UDP's port and TCP takes the same one, which another program
    // may hold for TCP: then both are bound again, at other ports.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bind();
      } catch (e) {
        if (this.config.listen.port !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw e;
        this.udp?.close();
        this.udp = undefined;
        this.tcp = undefined;
      }
    }
  }

  private async bind(): Promise<void> {
    const { host, port } = this.config.listen;
    // Answers go to the address a query came from, always a literal: no resolver call (and no
    // extra tick) per answer.
    const literal = (address: string, family: unknown, cb: (err: null, address: string, family: number) => void) => cb(null, address, address.includes(':') ? 6 : 4);
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20, lookup: literal as never });
    this.udp = udp;
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', () => undefined);
    this.local = udp.address();
    udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
    const tcp = createServer({ noDelay: true }, (s) => this.onTcp(s));
    tcp.maxConnections = this.config.limits.maxConnections;
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.local.port, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    tcp.on('error', () => undefined);
  }

  private onUdp(msg: Buffer, r: RemoteInfo): void {
    const d = this.deps;
    const udp = this.udp!;
    const limits = this.config.limits;
    // Without a rate limit the prefix is only needed when a check-in is shed: worked out then.
    const prefix = limits.ratePerSecond > 0 ? d.limiter.key(r.address) : '';
    if (limits.ratePerSecond > 0 && !d.limiter.take(prefix)) {
      d.counters.shed.rate++;
      if (limits.slip > 0 && ++this.slipCount % limits.slip === 0 && this.slipBudget()) {
        const q = parseQuery(msg);
        if (typeof q === 'object') udp.send(buildResponse(msg, q, RCODE.NOERROR, NO_ANSWERS, true), r.port, r.address);
      }
      return;
    }
    this.respond(d, msg, prefix, r.address, r.port, 'udp', (resp) => {
      udp.send(resp, r.port, r.address);
    });
  }

  /** Answers one query through `send`: at once for errors and REFUSED, after the journal for a check-in. */
  private respond(d: ListenerDeps, msg: Buffer, prefix: string, src: string, sport: number, proto: 'udp' | 'tcp', send: (b: Buffer) => void): void {
    const q = parseQuery(msg);
    if (q === 'drop') {
      d.counters.shed.malformed++;
      return;
    }
    if (q === 'formerr') {
      d.counters.answered++;
      return send(errorResponse(msg, RCODE.FORMERR));
    }
    if (q.opcode !== 0) {
      d.counters.answered++;
      return send(errorResponse(msg, RCODE.NOTIMP));
    }
    const name = isClassIn(q) ? d.names.cover(q.name) : undefined;
    if (name === undefined) {
      d.counters.refused++;
      d.counters.answered++;
      return send(buildResponse(msg, q, RCODE.REFUSED));
    }
    const answers = q.qtype === QTYPE.A || q.qtype === QTYPE.ANY ? this.a : q.qtype === QTYPE.AAAA ? this.aaaa : NO_ANSWERS;
    const resp = buildResponse(msg, q, RCODE.NOERROR, answers);
    const c: CheckIn = { t: Date.now(), l: 'dns', p: proto, src: plainAddress(src), sp: sport, dst: this.local.address, dp: this.local.port, n: name, q: q.name, qt: q.qtype };
    const bot = d.extract({ qname: q.name });
    if (bot) c.bot = bot;
    checkIn(d, prefix, c, (ok) => {
      d.counters.answered++;
      send(ok ? resp : buildResponse(msg, q, RCODE.SERVFAIL));
    });
  }

  /**
   * Truncated answers to shed queries cost a send each: at most `ratePerSecond` of them a second
   * in all (100 at least), so that under a flood the listener spends its time reading, not answering.
   */
  private slipBudget(): boolean {
    const now = Date.now();
    if (now - this.slipWindow >= 1000) {
      this.slipWindow = now;
      this.slipsLeft = Math.max(100, this.config.limits.ratePerSecond);
    }
    return this.slipsLeft-- > 0;
  }

  private onTcp(s: TcpSocket): void {
    const d = this.tcpDeps;
    const src = s.remoteAddress ?? '';
    const prefix = d.limiter.key(src);
    if (!d.limiter.open(prefix)) {
      d.counters.shed.connections++;
      s.destroy();
      return;
    }
    this.conns.add(s);
    d.counters.open++;
    s.setTimeout(this.config.limits.idleTimeoutMs, () => {
      d.counters.shed.timeout++;
      s.destroy();
    });
    s.on('error', () => undefined);
    s.once('close', () => {
      this.conns.delete(s);
      d.counters.open--;
      d.limiter.close(prefix);
    });
    let buf = Buffer.alloc(0);
    s.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (len > TCP_MAX_QUERY) {
          d.counters.shed.size++;
          s.destroy();
          return;
        }
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        if (!d.limiter.take(prefix)) {
          d.counters.shed.rate++;
          continue;
        }
        this.respond(d, msg, prefix, src, s.remotePort ?? 0, 'tcp', (resp) => {
          if (s.destroyed) return;
          const len2 = Buffer.allocUnsafe(2);
          len2.writeUInt16BE(resp.length, 0);
          s.write(Buffer.concat([len2, resp]));
        });
      }
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r()));
    this.udp = undefined;
    const closed = new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()));
    for (const s of this.conns) s.end();
    await closed;
  }

  health(): Health {
    return this.udp ? { ok: true } : { ok: false, detail: 'dns listener not running' };
  }

  metrics(): MetricSample[] {
    const out = [...this.deps.counters.samples(), ...this.tcpDeps.counters.samples()];
    const drops = this.udp ? udpReceiveDrops(this.local.port) : undefined;
    if (drops !== undefined)
      out.push({ name: 'udp_receive_drops_total', help: 'datagrams the kernel dropped at the UDP socket, its receive buffer full', type: 'counter', labels: { listener: 'dns-udp' }, value: drops });
    return out;
  }
}

function v6Bytes(a: string): Buffer {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16) || 0, i * 2));
  return b;
}
