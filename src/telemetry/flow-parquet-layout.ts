// Which Parquet columns hold which flow field: nfdump names, GoFlow2 names (snake, camel and
// Pascal case), and plain ones (ts, src, dst, ...), matched without regard to case or '_'.
import { FieldError } from '../core/errors.js';
import type { FlowFileColumns, FlowTimeKind } from '../store/store.js';

const NAMES: Record<keyof FlowFileColumns, string[]> = {
  start: ['firstseen', 'ts', 'timestamp', 'time', 'start', 'starttime', 'timeflowstartns', 'timeflowstartms', 'timeflowstart', 'timereceivedns', 'timereceived', 'stime'],
  end: ['lastseen', 'te', 'end', 'endtime', 'timeflowendns', 'timeflowendms', 'timeflowend', 'ltime'],
  duration: ['duration', 'td', 'dur'],
  src: ['srcaddr', 'sa', 'src', 'srcip', 'sourceip', 'saddr', 'ipsrc'],
  dst: ['dstaddr', 'da', 'dst', 'dstip', 'destinationip', 'daddr', 'ipdst'],
  sport: ['srcport', 'sp', 'sport', 'sourceport'],
  dport: ['dstport', 'dp', 'dport', 'destinationport'],
  proto: ['proto', 'pr', 'protocol'],
  bytes: ['bytes', 'byt', 'ibyt', 'inbytes', 'octets'],
  packets: ['packets', 'pkt', 'ipkt', 'inpackets', 'pkts'],
};

const norm = (s: string) => s.toLowerCase().replace(/[_\-.\s]/g, '');

/** Maps the file's columns to flow fields and tells how its times are written. */
export function parquetFlowColumns(columns: { name: string; type: string }[]): { cols: FlowFileColumns; timeKind: FlowTimeKind } {
  const found: Partial<Record<keyof FlowFileColumns, { name: string; type: string }>> = {};
  for (const role of Object.keys(NAMES) as (keyof FlowFileColumns)[]) {
    for (const n of NAMES[role]) {
      const c = columns.find((x) => norm(x.name) === n);
      if (c) {
        found[role] = c;
        break;
      }
    }
  }
  for (const role of ['start', 'src', 'dst'] as const)
    if (!found[role]) throw new FieldError(role, `no ${role} column among ${columns.map((c) => c.name).join(', ')}`);
  const start = found.start!;
  const numeric = /INT|DOUBLE|FLOAT|DECIMAL/i.test(start.type);
  const timeKind: FlowTimeKind = !numeric ? 'text' : /ns$/i.test(start.name) ? 'epoch-ns' : /ms$/i.test(start.name) ? 'epoch-ms' : 'epoch-s';
  const cols = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v!.name])) as unknown as FlowFileColumns;
  return { cols, timeKind };
}
