// One worker's share of the flow prefilter: a byte range of a plain nfdump CSV, read into the
// memory of a WebAssembly byte loop (flow-prefilter.wat) that decides line by line. A line is kept
// (written out for DuckDB to load) when either address is near an indicator (core/flow-near.ts),
// or when anything about it looks wrong; only lines that are well formed and far from every
// indicator are dropped. Kept lines then go through the fast path's full
// conversion, which fails on a bad one, and the file is read line by line instead, naming it.
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { V4_MAPPED_BASE } from '../../core/ip.js';

/** What each column of the file must look like for a line to be dropped. */
export const enum ColumnCheck {
  /** Not checked (protocol, duration, end time, unknown columns). */
  Any = 0,
  /** A plain dotted quad, no leading zeros, or IPv6 as addressNumberOf reads it. */
  Address = 1,
  /** Digits only, or empty (ports, byte and packet counts). */
  Digits = 2,
  /** yyyy-mm-dd hh:mm[:ss[.fff]] (a space or a T between), fields in range. */
  TextTime = 3,
  /** Milliseconds since the epoch: 12 or 13 digits. */
  EpochMs = 4,
}

export interface ChunkSpec {
  file: string;
  /** Byte range: lines starting in [start, end) are this chunk's. */
  start: number;
  end: number;
  /** Skip the first line (the header): for the chunk at offset 0. */
  header: boolean;
  /**
   * Where kept lines go, each as `<index of the line in this chunk>,<src>,<dst>,<the line>`, the
   * addresses as the store's numbers where the text is plain (addressNumberOf), else empty.
   */
  out: string;
  checks: ColumnCheck[];
  /** The columns of the source and destination addresses. */
  addresses: [number, number];
  /** The Ipv4Net24Set's buffer. */
  bits: SharedArrayBuffer;
  /** The Ipv6Net48Set's runs (Ipv6Net48Set.packed). */
  v6: BigInt64Array;
  readSize?: number;
}

export interface ChunkResult {
  /** Lines of the chunk, blank ones included (not the header). */
  lines: number;
  blank: number;
  kept: number;
  /**
   * The earliest and latest start time among the lines whose time passed its check (every line
   * dropped): yyyymmddhhmm as packed BCD for a text time, milliseconds for epoch ms (spanOfTimes
   * reads them). Undefined when none did.
   */
  times?: [number, number];
}

const NL = 10;
const COMMA = 44;
const DOT = 46;
const COLON = 58;
const ZERO = 48;

/** The compiled byte loop, once per thread. */
const MODULE = new WebAssembly.Module(readFileSync(new URL('./flow-prefilter.wasm', import.meta.url)));
// Its memory layout (see the .wat): the bitmap at 0, then the checks, the kept lines, the input,
// and after the input's slack the dotted quads' table, a scratch area and the IPv6 /48 runs.
const CHECKS = 2 << 20;
const OUT = CHECKS + 256;
const CAP = Math.floor(((4 << 20) - OUT) / 12);
const INPUT = 4 << 20;
const INPUT_SIZE = 4 << 20;
const QUADS = 10 << 20;
const V6_RUNS = QUADS + 8192;
const PAGE = 65536;

/**
 * The byte loop's table for reading a dotted quad whose four parts have lengths l1..l4 (1 to 3
 * each): entry 27 (l1 - 1) + 9 (l2 - 1) + 3 (l3 - 1) + (l4 - 1), 32 bytes. Bytes 0-15 pick from
 * the field's first 16 bytes (0x80 picks a zero): each part's hundreds and tens digits into bytes
 * 2k and 2k + 1, its units into byte 8 + 2k. Bytes 16-31: each part's least value as a u32 (0 for
 * one digit, 10 for two, 100 for three; less means a leading zero).
 */
export function dottedQuadTable(): Uint8Array {
  const table = new Uint8Array(81 * 32);
  for (let entry = 0; entry < 81; entry++) {
    const lengths = [27, 9, 3, 1].map((w) => (Math.floor(entry / w) % 3) + 1);
    const pick = table.subarray(entry * 32, entry * 32 + 16).fill(0x80);
    const least = new DataView(table.buffer, entry * 32 + 16, 16);
    let end = -1; // after the part before (its dot)
    lengths.forEach((l, k) => {
      end += 1 + l;
      pick[8 + 2 * k] = end - 1;
      if (l >= 2) pick[2 * k + 1] = end - 2;
      if (l === 3) pick[2 * k] = end - 3;
      least.setUint32(4 * k, [0, 10, 100][l - 1]!, true);
    });
  }
  return table;
}

const QUAD_TABLE = dottedQuadTable();

interface ScanExports {
  memory: WebAssembly.Memory;
  scan: (p: number, end: number, limit: number, columns: number, out: number, cap: number) => number;
  v6n: WebAssembly.Global;
  lines: WebAssembly.Global;
  blank: WebAssembly.Global;
  kept: WebAssembly.Global;
  tmin: WebAssembly.Global;
  tmax: WebAssembly.Global;
}

export function scanChunk(spec: ChunkSpec, onProgress?: (bytes: number) => void): ChunkResult {
  if (spec.checks.length > 256) throw new Error(`${spec.file}: more than 256 columns`);
  const wasm = new WebAssembly.Instance(MODULE).exports as unknown as ScanExports;
  // The IPv6 runs go after everything else, the memory grown to hold them.
  const pages = Math.ceil((V6_RUNS + spec.v6.byteLength) / PAGE) - wasm.memory.buffer.byteLength / PAGE;
  if (pages > 0) wasm.memory.grow(pages);
  new BigInt64Array(wasm.memory.buffer, V6_RUNS, spec.v6.length).set(spec.v6);
  wasm.v6n.value = spec.v6.length / 2;
  const mem = new Uint8Array(wasm.memory.buffer);
  mem.set(new Uint8Array(spec.bits), 0);
  mem.set(spec.checks, CHECKS);
  mem.set(QUAD_TABLE, QUADS);
  const out = new Uint32Array(wasm.memory.buffer, OUT, CAP * 3);
  const size = Math.min(spec.readSize ?? INPUT_SIZE, INPUT_SIZE);
  const fd = openSync(spec.file, 'r');
  const kept = new KeptLines(openSync(spec.out, 'w'));
  const result: ChunkResult = { lines: 0, blank: 0, kept: 0 };
  try {
    // The first line is the previous chunk's unless this chunk starts right after a newline.
    let skip = spec.header;
    if (spec.start > 0) {
      const one = Buffer.alloc(1);
      readSync(fd, one, 0, 1, spec.start - 1);
      skip = one[0] !== NL;
    }
    let base = spec.start; // file offset of mem[INPUT]
    let carry = 0; // bytes of an unfinished line at mem[INPUT]
    for (;;) {
      if (carry === size) throw new Error(`${spec.file}: a line longer than ${size} bytes`);
      const n = readSync(fd, mem, INPUT + carry, size - carry, base + carry);
      let len = carry + n;
      onProgress?.(base + len - spec.start);
      if (n === 0) {
        if (carry === 0 || skip) break;
        mem[INPUT + len++] = NL; // the file's last line, without a newline (the memory has slack after the input)
      }
      const filled = INPUT + len;
      let p = INPUT;
      if (skip) {
        const e = mem.indexOf(NL, p);
        if (e < 0 || e >= filled) {
          carry = len;
          continue;
        }
        p = e + 1;
        skip = false;
      }
      const end = mem.lastIndexOf(NL, filled - 1) + 1; // after the last whole line
      const limit = INPUT + (spec.end - base); // lines starting here or later are the next chunk's
      while (p < end && p < limit) {
        p = wasm.scan(p, end, limit, spec.checks.length, OUT, CAP);
        const k = wasm.kept.value as number;
        for (let j = 0; j < k; j++) {
          const from = out[3 * j + 1]!;
          const to = out[3 * j + 2]!;
          const [src, dst] = spec.addresses.map((col) => addressNumberOf(mem, from, to, col));
          kept.write(result.lines + out[3 * j]!, src!, dst!, mem, from, to);
        }
        result.lines += wasm.lines.value as number;
        result.blank += wasm.blank.value as number;
        result.kept += k;
      }
      if (p >= limit || n === 0) break;
      mem.copyWithin(INPUT, p, filled);
      carry = filled - p;
      base += p - INPUT;
    }
    kept.flush();
  } finally {
    closeSync(fd);
    kept.close();
  }
  const [tmin, tmax] = [wasm.tmin.value as bigint, wasm.tmax.value as bigint];
  if (tmax >= 0n) result.times = [Number(tmin), Number(tmax)];
  return result;
}

const V4_MAPPED = Number(V4_MAPPED_BASE);

/**
 * The address in field `col` of the line in bytes[from, to) as the store's 128-bit number (IPv4 as
 * ::ffff:a.b.c.d), in decimal, when the text is one the SQL conversion takes as it stands: a plain
 * dotted quad (quadOf), or IPv6 as eight groups of one to four hex digits, or fewer with one `::`
 * standing for at least one (ipv6Of); else empty, and the SQL parses the text (or refuses it).
 * DuckDB's conversion of an IPv6 text costs about 2.7 µs, of a number next to nothing.
 */
export function addressNumberOf(bytes: Uint8Array, from: number, to: number, col: number): string {
  const p = fieldStart(bytes, from, to, col);
  if (p < 0) return '';
  const quad = quadAt(bytes, p, to);
  if (quad >= 0) return String(V4_MAPPED + quad);
  const e = bytes.indexOf(COMMA, p);
  return ipv6Of(bytes, p, e < 0 || e > to ? to : e)?.toString() ?? '';
}

/** Where field `col` of the line in bytes[from, to) starts, or -1 when the line has fewer fields. */
function fieldStart(bytes: Uint8Array, from: number, to: number, col: number): number {
  let p = from;
  for (let c = 0; c < col; c++) {
    p = bytes.indexOf(COMMA, p);
    if (p < 0 || p >= to) return -1;
    p++;
  }
  return p;
}

const IPV6_TEXT = /^[0-9a-fA-F:]{2,39}$/;

/** The IPv6 address in bytes[start, end) in one of the forms addressNumberOf names, else undefined. */
export function ipv6Of(bytes: Uint8Array, start: number, end: number): bigint | undefined {
  const colon = bytes.indexOf(COLON, start);
  if (end - start < 2 || colon < 0 || colon >= end) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  if (!IPV6_TEXT.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const n = head.length + tail.length;
  if ((halves.length === 1 ? n !== 8 : n > 7) || [...head, ...tail].some((g) => g.length < 1 || g.length > 4)) return undefined;
  let v = 0n;
  for (const g of [...head, ...Array<string>(8 - n).fill('0'), ...tail]) v = (v << 16n) | BigInt(parseInt(g, 16));
  return v;
}

/**
 * The IPv4 address in field `col` of the line in bytes[from, to) when it is a plain dotted quad
 * (one to three digits per part, no leading zero, at most 255: what the scan's check and the SQL
 * conversion take), else -1. DuckDB then takes the number instead of parsing the text again,
 * which was most of the cost of loading the kept lines (macros.ts addressParts, `known`).
 */
export function quadOf(bytes: Uint8Array, from: number, to: number, col: number): number {
  const p = fieldStart(bytes, from, to, col);
  return p < 0 ? -1 : quadAt(bytes, p, to);
}

/** The plain dotted quad of the field starting at p (quadOf), else -1. */
function quadAt(bytes: Uint8Array, p: number, to: number): number {
  let addr = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (p >= to || bytes[p] !== DOT) return -1;
      p++;
    }
    const start = p;
    let v = 0;
    while (p < to && bytes[p]! >= ZERO && bytes[p]! <= ZERO + 9 && p - start < 3) v = v * 10 + bytes[p++]! - ZERO;
    if (p === start || v > 255 || (bytes[start] === ZERO && p - start > 1)) return -1;
    addr = addr * 256 + v;
  }
  return p === to || bytes[p] === COMMA ? addr : -1;
}

/** The kept lines' output file, written through a buffer. */
class KeptLines {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;

  constructor(private readonly fd: number) {}

  write(index: number, src: string, dst: string, bytes: Uint8Array, from: number, to: number): void {
    const need = to - from + 100;
    if (this.len + need > this.buf.length) this.flush();
    if (need > this.buf.length) throw new Error(`a line longer than ${this.buf.length - 100} bytes`);
    this.len += this.buf.write(`${index},${src},${dst},`, this.len, 'latin1');
    this.buf.set(bytes.subarray(from, to), this.len);
    this.len += to - from;
    this.buf[this.len++] = NL;
  }

  flush(): void {
    writeSync(this.fd, this.buf, 0, this.len);
    this.len = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
