// nfdump CSV reader: 1.6's fixed `-o csv`, 1.7.5+'s `-o csv` / `-o csv:%…` and `-o csv-fast`, all
// mapped by header name, so any column order or subset works.
import { FieldError } from '../core/errors.js';
import { countField, ipField, isBlank, portField, timeField } from '../core/fields.js';
import type { FlowRecord } from '../core/model/telemetry.js';
import type { LineParser, ReaderContext, TelemetryFormat } from '../core/reader.js';

type Role = 'start' | 'end' | 'received' | 'duration' | 'src' | 'dst' | 'sport' | 'dport' | 'proto' | 'flags' | 'bytes' | 'packets';

/**
 * Header names that carry a flow field: 1.6 short names (also the `%` format tokens) and 1.7.5+
 * long names. `obyt`/`opkt` (outBytes/outPackets) are deliberately absent: nfdump fills them from
 * NetFlow's OUT_BYTES/OUT_PKTS, counted at the egress interface for the same direction, or, for
 * NSEL/bi-flows, as the responder's counts only on some exporters. They are not a reliable reverse
 * direction, so nfdump stays unidirectional here.
 */
const ROLES: Record<string, Role> = {
  ts: 'start', tfs: 'start', tsr: 'start', tsg: 'start', firstSeen: 'start',
  te: 'end', ter: 'end', teg: 'end', lastSeen: 'end',
  tr: 'received', trr: 'received', trg: 'received', received: 'received',
  td: 'duration', tds: 'duration', duration: 'duration',
  sa: 'src', srcAddr: 'src', da: 'dst', dstAddr: 'dst',
  sp: 'sport', srcPort: 'sport', dp: 'dport', dstPort: 'dport',
  pr: 'proto', proto: 'proto', flg: 'flags', flags: 'flags',
  ibyt: 'bytes', byt: 'bytes', bytes: 'bytes', inBytes: 'bytes',
  ipkt: 'packets', pkt: 'packets', packets: 'packets', inPackets: 'packets',
};

// Every other column nfdump writes (short and long spellings); known so detection stays specific.
const OTHER_COLUMNS = new Set(
  (
    'nfv cnt idt eng exp it ic fwd tos stos bps pps bpp in out smk dmk dir dtos bfd end sn dn inam onam ' +
    'opkt obyt fl svln dvln sas das nhb nh ra ismc odmc idmc osmc cl sl al exid eth af nas pas ' +
    'version count Ident engine exporterID icmpTYpe icmpType icmpCode fwdStatus srcTos input output ' +
    'srcMask dstMask direction dstTos biDirection endReason srcNet dstNet inIfName outIfName outPackets ' +
    'outBytes flows srcVlan dstVlan srcAS dstAS bgpNextIP nextIP routerIP inSrcMac outDstMac inDstMac ' +
    'outSrcMac nextAS prevAS clientLatency serverLatency appLatency eventTime event connectionID xEvent ' +
    'srcXIP dstXIP srcXPort dstXPort ingressACL egressACL nselUser pbStart pbEnd pbStep pbSize nbarID ' +
    'nbarName obsDomainID obsPointID ingressVrfID ingressVrfName egressVrfID egressVrfName pfInterface ' +
    'pfAction pfReason pfDirection pfRule flowID inSrvID outSrvID natString ja3 ja4 sniName tlsVersion ' +
    'srcGeo dstGeo srcLocation dstLocation srcOrg dstOrg srcTor dstTor label minTTL maxTTL Frag mplsLabel1-10'
  ).split(' '),
);
for (let i = 1; i <= 10; i++) OTHER_COLUMNS.add(`mpls${i}`).add(`mplsLabel${i}`);

const PROTO_NAMES: Record<number, string> = {
  1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp',
};
const PROTO_ALIASES: Record<string, string> = { icmp6: 'ipv6-icmp', icmpv6: 'ipv6-icmp', 'ipv6-icmp': 'ipv6-icmp' };

/**
 * A protocol given as a number or a name, as the lower-case name records use (tcp, udp, icmp,
 * ipv6-icmp, a few other IANA names); other numbers stay as their text. Blank is undefined.
 */
export function protoName(value: string | number | undefined | null): string | undefined {
  if (typeof value === 'number') return PROTO_NAMES[value] ?? String(value);
  if (isBlank(value)) return undefined;
  const s = value.trim().toLowerCase();
  if (/^\d+$/.test(s)) return PROTO_NAMES[Number(s)] ?? String(Number(s));
  return PROTO_ALIASES[s] ?? s;
}

export type NfdumpRole = Role;

export interface NfdumpHeader {
  names: string[];
  col: Partial<Record<Role, number>>;
}
type Header = NfdumpHeader;

/** Reads a line as an nfdump header, or null when it is not one. */
export function parseHeader(line: string): Header | null {
  const names = line.split(',').map((n) => n.trim().replace(/^%/, ''));
  if (names.length < 2 || !names.every((n) => /^[A-Za-z][A-Za-z0-9-]*$/.test(n))) return null;
  const col: Partial<Record<Role, number>> = {};
  let known = 0;
  names.forEach((n, i) => {
    const role = ROLES[n];
    if (role !== undefined) {
      known++;
      if (col[role] === undefined) col[role] = i;
    } else if (OTHER_COLUMNS.has(n)) known++;
  });
  // Both addresses, and mostly nfdump's own column names (case matters: Argus says "SrcAddr").
  if (col.src === undefined || col.dst === undefined || known < names.length * 0.75) return null;
  return { names, col };
}

const SUMMARY_HEADER = 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp';

class NfdumpParser implements LineParser {
  private header: Header | null = null;
  private inSummary = false;

  constructor(private readonly ctx: ReaderContext) {}

  parse(line: string): FlowRecord | undefined {
    const trimmed = line.trim();
    // nfdump ends CSV output with "Summary", its own header and one line of totals: framing.
    if (trimmed === 'Summary') {
      this.inSummary = true;
      return undefined;
    }
    if (this.inSummary) {
      if (trimmed === SUMMARY_HEADER) return undefined;
      this.inSummary = false;
      if (/^\d+(,\d+)*$/.test(trimmed)) return undefined;
    }
    if (trimmed === 'No matching flows') return undefined;
    const header = parseHeader(trimmed);
    if (header) {
      this.header = header;
      return undefined;
    }
    if (!this.header) throw new FieldError(undefined, 'data before the nfdump CSV header');
    // nfdump never quotes: it writes ';' for a ',' inside a value.
    return this.row(line.split(','), this.header);
  }

  private row(cells: string[], h: Header): FlowRecord {
    if (cells.length !== h.names.length)
      throw new FieldError(undefined, `expected ${h.names.length} columns, found ${cells.length}`);
    const cell = (role: Role): [string | undefined, string] => {
      const i = h.col[role];
      return i === undefined ? [undefined, role] : [cells[i]!.trim(), h.names[i]!];
    };
    const [startText, startName] = h.col.start !== undefined ? cell('start') : cell('received');
    if (startText === undefined) throw new FieldError('firstSeen', 'the header has no first-seen column');
    const ts = timeField(startText, startName, this.ctx.tz);
    const rec: FlowRecord = { kind: 'flow', ts, src: ipField(...cell('src')), dst: ipField(...cell('dst')) };

    const [endText, endName] = cell('end');
    const [durText, durName] = cell('duration');
    if (!isBlank(endText)) rec.te = timeField(endText, endName, this.ctx.tz);
    else if (!isBlank(durText)) {
      if (!/^\d+(\.\d+)?$/.test(durText)) throw new FieldError(durName, `not a duration: ${JSON.stringify(durText)}`);
      rec.te = Math.round(ts * 1000 + Number(durText) * 1e6) / 1000; // to the microsecond, without float noise
    }
    const proto = protoName(cell('proto')[0]);
    if (proto !== undefined) rec.proto = proto;
    const sport = portField(...cell('sport'));
    if (sport !== undefined) rec.sport = sport;
    const [dportText, dportName] = cell('dport');
    // 1.7.5+ writes ICMP type and code as "3.1" in the destination port column.
    const icmp = proto === undefined || proto === 'icmp' || proto === 'ipv6-icmp';
    if (!(icmp && dportText !== undefined && /^\d+\.\d+$/.test(dportText))) {
      const dport = portField(dportText, dportName);
      if (dport !== undefined) rec.dport = dport;
    }
    const bytes = countField(...cell('bytes'));
    if (bytes !== undefined) rec.bytes = bytes;
    const packets = countField(...cell('packets'));
    if (packets !== undefined) rec.packets = packets;
    const flags = cell('flags')[0];
    if (flags && /[A-Za-z]/.test(flags)) rec.state = flags;
    return rec;
  }
}

export const nfdumpFormat: TelemetryFormat = {
  name: 'nfdump',
  detect(_fileName: string, head: string[]): boolean {
    return head.length > 0 && parseHeader(head[0]!.trim()) !== null;
  },
  create(ctx: ReaderContext): LineParser {
    return new NfdumpParser(ctx);
  },
};
