// Argus binetflow reader (ra -c output, CTU-13 style): comma or tab separated, columns by header
// name, bidirectional counters. The CTU `Label` column is ignored on purpose: it is a researcher's
// ground-truth annotation, not something the sensor observed, and botcensus must reach its own
// verdicts from intel matches.
import { FieldError } from '../core/errors.js';
import { countField, ipField, isBlank, timeField } from '../core/fields.js';
import { protoName } from './nfdump.js';
import type { FlowRecord } from '../core/model/telemetry.js';
import type { LineParser, ReaderContext, TelemetryFormat } from '../core/reader.js';

const ALIASES: Record<string, string> = { Saddr: 'SrcAddr', Daddr: 'DstAddr' };
const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

function splitHeader(line: string): { sep: string; names: string[] } | null {
  const sep = line.includes('\t') ? '\t' : ',';
  const names = line.split(sep).map((n) => n.trim()).map((n) => ALIASES[n] ?? n);
  const ok = names[0] === 'StartTime' && names.includes('SrcAddr') && names.includes('DstAddr');
  return ok ? { sep, names } : null;
}

/** "2011/08/16 10:01:46.972101" (Argus' default date) or any form core/time reads. */
function argusTime(value: string | undefined, field: string, tz?: string): number {
  return timeField(value?.replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3'), field, tz);
}

/** Decimal or hex ("0x0303": Argus writes ICMP type/code and some ports in hex). */
function argusPort(value: string | undefined, field: string): number | undefined {
  if (isBlank(value)) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value, 16) : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65535) throw new FieldError(field, `not a port: ${JSON.stringify(value.slice(0, 60))}`);
  return n;
}

/** This side's and the other side's count from the total and whichever side the file gives. */
function split(total: number | undefined, side: number | undefined, other: number | undefined, totalName: string) {
  if (total !== undefined && (side ?? 0) + (other ?? 0) > total)
    throw new FieldError(totalName, `${totalName} ${total} is less than its parts`);
  if (side !== undefined) return [side, other ?? (total !== undefined ? total - side : undefined)] as const;
  if (other !== undefined) return [total !== undefined ? total - other : undefined, other] as const;
  return [undefined, undefined] as const;
}

class ArgusParser implements LineParser {
  private sep = ',';
  private index = new Map<string, number>();

  constructor(private readonly ctx: ReaderContext) {}

  parse(line: string): FlowRecord | undefined {
    const header = splitHeader(line);
    if (header) {
      this.sep = header.sep;
      this.index = new Map(header.names.map((n, i) => [n, i]));
      return undefined;
    }
    if (this.index.size === 0) throw new FieldError(undefined, 'data before the Argus header');
    const cells = line.split(this.sep);
    if (cells.length !== this.index.size)
      throw new FieldError(undefined, `expected ${this.index.size} columns, found ${cells.length}`);
    const get = (name: string): string | undefined => {
      const i = this.index.get(name);
      return i === undefined ? undefined : cells[i]!.trim();
    };
    // Management/status records and non-IP flows (LLC, ARP by MAC) are sensor framing, not IP flows.
    const proto = protoName(get('Proto'));
    if (proto === 'man') return undefined;
    const srcText = get('SrcAddr');
    const dstText = get('DstAddr');
    if (srcText && dstText && MAC_RE.test(srcText) && MAC_RE.test(dstText)) return undefined;

    const ts = argusTime(get('StartTime'), 'StartTime', this.ctx.tz);
    let te: number | undefined;
    const last = get('LastTime');
    const dur = get('Dur');
    if (!isBlank(last)) te = argusTime(last, 'LastTime', this.ctx.tz);
    else if (!isBlank(dur)) {
      if (!/^\d+(\.\d+)?$/.test(dur)) throw new FieldError('Dur', `not a duration: ${JSON.stringify(dur.slice(0, 60))}`);
      te = Math.round(ts * 1000 + Number(dur) * 1e6) / 1000; // to the microsecond, without float noise
    }
    let src = ipField(srcText, 'SrcAddr');
    let dst = ipField(dstText, 'DstAddr');
    let sport = argusPort(get('Sport'), 'Sport');
    let dport = argusPort(get('Dport'), 'Dport');
    const totBytes = countField(get('TotBytes'), 'TotBytes');
    const totPkts = countField(get('TotPkts'), 'TotPkts');
    let [bytes, revBytes] = split(totBytes, countField(get('SrcBytes'), 'SrcBytes'), countField(get('DstBytes'), 'DstBytes'), 'TotBytes');
    let [packets, revPackets] = split(totPkts, countField(get('SrcPkts'), 'SrcPkts'), countField(get('DstPkts'), 'DstPkts'), 'TotPkts');
    // Without per-side packet counts, packets are still known when all bytes went one way.
    if (packets === undefined && revPackets === undefined && totPkts !== undefined) {
      if (revBytes === 0) [packets, revPackets] = [totPkts, 0];
      else if (bytes === 0) [packets, revPackets] = [0, totPkts];
    }
    // "<-" says the traffic went from the listed destination to the listed source.
    if (get('Dir') === '<-') {
      [src, dst, sport, dport] = [dst, src, dport, sport];
      [bytes, revBytes, packets, revPackets] = [revBytes, bytes, revPackets, packets];
    }
    const rec: FlowRecord = { kind: 'flow', ts, src, dst };
    if (te !== undefined) rec.te = te;
    if (sport !== undefined) rec.sport = sport;
    if (dport !== undefined) rec.dport = dport;
    if (proto !== undefined) rec.proto = proto;
    if (bytes !== undefined) rec.bytes = bytes;
    if (packets !== undefined) rec.packets = packets;
    if (revBytes !== undefined) rec.revBytes = revBytes;
    if (revPackets !== undefined) rec.revPackets = revPackets;
    const state = get('State');
    if (!isBlank(state)) rec.state = state;
    return rec;
  }
}

export const argusFormat: TelemetryFormat = {
  name: 'argus',
  detect(_fileName: string, head: string[]): boolean {
    return head.length > 0 && splitHeader(head[0]!.trim()) !== null;
  },
  create(ctx: ReaderContext): LineParser {
    return new ArgusParser(ctx);
  },
};
