// A UDP flood for the sinkhole bench, run as its own process so the bench's clients keep their
// time: DNS queries from one loopback source address to a port, as fast as the socket takes them
// or capped at a rate, for a bounded time. Prints {"sent":N,"ms":M,"cpuUs":C}: C is the CPU time
// (user + system) this process spent, the cost of a datagram sent on this machine.
//   node dist/src/bench/sinkhole-flood.js PORT LOCAL_ADDRESS SECONDS [MAX_PER_SECOND]
import { createSocket } from 'node:dgram';
import { dnsQuery } from '../sinkhole/load.js';

const [port, local, seconds, cap] = process.argv.slice(2);
const s = createSocket({ type: 'udp4', sendBufferSize: 4 << 20 });
s.on('message', () => undefined);
s.on('error', () => undefined);
const query = dnsQuery(0, 'flood.c2.example');
const max = cap ? Number(cap) : Infinity;
let sent = 0;
let pending = 0;
const t0 = performance.now();
const end = t0 + Number(seconds) * 1000;

function burst(): void {
  const now = performance.now();
  if (now >= end) {
    const ms = now - t0;
    const finish = (): void => {
      if (pending > 0) {
        setTimeout(finish, 10);
        return;
      }
      s.close();
      const cpu = process.cpuUsage();
      process.stdout.write(JSON.stringify({ sent, ms, cpuUs: cpu.user + cpu.system }) + '\n');
    };
    return finish();
  }
  const allowed = Math.min(sent + 2000, ((now - t0) / 1000) * max);
  // Bounded in flight: the socket's queue, not this process's memory, absorbs the excess.
  while (sent < allowed && pending < 4096) {
    pending++;
    sent++;
    s.send(query, Number(port), '127.0.0.1', () => pending--);
  }
  setImmediate(burst);
}
s.bind(0, local, burst);
