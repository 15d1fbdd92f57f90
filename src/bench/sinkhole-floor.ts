// The floor under the sinkhole's listeners, for its bench: what Node.js alone spends to answer,
// with nothing journaled or looked at. DNS: a UDP socket that sends each query back as its own
// answer (QR set); HTTP: node:http answering the sinkhole's fixed response. Run as its own process
// so its CPU time is its own; prints the port it listens on.
//   node dist/src/bench/sinkhole-floor.js udp|http
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';

const kind = process.argv[2];
if (kind === 'udp') {
  const s = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, lookup: (a: string, _f: unknown, cb: (e: null, a: string, f: number) => void) => cb(null, a, 4) } as never);
  s.on('message', (m, r) => {
    m[2]! |= 0x80;
    s.send(m, r.port, r.address);
  });
  s.bind(0, '127.0.0.1', () => process.stdout.write(`${s.address().port}\n`));
} else if (kind === 'http') {
  const headers = { 'content-type': 'text/plain', 'content-length': '3', 'cache-control': 'no-store' };
  const s = createServer({ keepAliveTimeout: 5000 }, (_req, res) => res.writeHead(200, headers).end('OK\n'));
  s.listen(0, '127.0.0.1', () => process.stdout.write(`${(s.address() as { port: number }).port}\n`));
} else {
  process.stderr.write('usage: sinkhole-floor.js udp|http\n');
  process.exit(2);
}
