// Datagrams the kernel dropped at a UDP socket because its receive buffer was full. A flood larger
// than the listeners can read loses packets there, legitimate ones with it, before any per-source
// bucket sees them; Linux counts them per socket in /proc/net/udp and /proc/net/udp6 (the last
// column). Elsewhere there is nothing to read.
import { readFileSync } from 'node:fs';

const PROC_FILES = ['/proc/net/udp', '/proc/net/udp6'];

/** Drops at the UDP sockets bound to `port` (any address); undefined where the kernel does not say. */
export function udpReceiveDrops(port: number, files = PROC_FILES): number | undefined {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let drops: number | undefined;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'latin1');
    } catch {
      continue;
    }
    drops ??= 0;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(suffix)) drops += Number(cols[cols.length - 1]) || 0;
    }
  }
  return drops;
}
