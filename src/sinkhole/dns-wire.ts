// The few bytes of DNS the sinkhole reads and writes (RFC 1035): the question of a query, and an
// answer built by copying the query's header and question and appending records that point back
// at the question's name. Nothing else of the message is decoded: this is the hot path, a few
// hundred nanoseconds a query (dns-packet decodes the answers in the tests, as an independent check).

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NOTIMP: 4, REFUSED: 5 } as const;
export const QTYPE = { A: 1, NS: 2, SOA: 6, AAAA: 28, ANY: 255 } as const;
const CLASS_IN = 1;

export interface Question {
  /** Lower-case name without the trailing dot ("" for the root). */
  name: string;
  qtype: number;
  qclass: number;
  opcode: number;
  /** Offset just past the question: the part of the query an answer copies. */
  end: number;
}

/** Where a question's name is lower-cased, label by label, before it becomes one string. */
const nameBytes = Buffer.allocUnsafe(253);

/** The query's question; 'drop' for what deserves no answer (a response, a runt), 'formerr' for a malformed query. */
export function parseQuery(b: Buffer): Question | 'drop' | 'formerr' {
  if (b.length < 12 || b[2]! & 0x80) return 'drop';
  const opcode = (b[2]! >> 3) & 0x0f;
  if (b[4] !== 0 || b[5] !== 1) return 'formerr';
  let o = 12;
  let n = 0;
  for (;;) {
    if (o >= b.length) return 'formerr';
    const len = b[o]!;
    if (len === 0) break;
    if (len > 63 || o + 1 + len > b.length) return 'formerr';
    if (n + (n ? 1 : 0) + len > 253) return 'formerr';
    if (n) nameBytes[n++] = 0x2e;
    // ASCII letters lower-cased (DNS names compare without case, RFC 4343); every other byte kept.
    for (let i = o + 1, end = o + 1 + len; i < end; i++) {
      const c = b[i]!;
      nameBytes[n++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    }
    o += 1 + len;
  }
  o += 1;
  if (o + 4 > b.length) return 'formerr';
  const qtype = (b[o]! << 8) | b[o + 1]!;
  const qclass = (b[o + 2]! << 8) | b[o + 3]!;
  return { name: nameBytes.toString('latin1', 0, n), qtype, qclass, opcode, end: o + 4 };
}

/** One answer record for the question's name: its type and data (4 bytes for A, 16 for AAAA). */
export interface AnswerData {
  type: number;
  rdata: Buffer;
}

/** Answer records for a question's name, encoded once: every answer of a listener carries the same ones. */
export interface AnswerRecords {
  count: number;
  bytes: Buffer;
}

export const NO_ANSWERS: AnswerRecords = { count: 0, bytes: Buffer.alloc(0) };

/** `answers` as records whose owner is the question's name (a pointer to offset 12), with `ttl`. */
export function encodeAnswers(answers: AnswerData[], ttl: number): AnswerRecords {
  const bytes = Buffer.alloc(answers.reduce((n, a) => n + 12 + a.rdata.length, 0));
  let o = 0;
  for (const a of answers) {
    bytes[o] = 0xc0;
    bytes[o + 1] = 12;
    bytes.writeUInt16BE(a.type, o + 2);
    bytes.writeUInt16BE(CLASS_IN, o + 4);
    bytes.writeUInt32BE(ttl, o + 6);
    bytes.writeUInt16BE(a.rdata.length, o + 10);
    a.rdata.copy(bytes, o + 12);
    o += 12 + a.rdata.length;
  }
  return { count: answers.length, bytes };
}

/**
 * The response to `query`: its header and question copied, QR and AA set, RD kept, RA clear
 * (never recursive), `rcode`, then `records`. `truncated` sets TC with no answers: the client asks
 * again over TCP.
 */
export function buildResponse(query: Buffer, q: Question, rcode: number, records: AnswerRecords = NO_ANSWERS, truncated = false): Buffer {
  const extra = truncated ? 0 : records.bytes.length;
  const r = Buffer.allocUnsafe(q.end + extra);
  query.copy(r, 0, 0, q.end);
  r[2] = 0x80 | (q.opcode << 3) | (rcode === RCODE.REFUSED ? 0 : 0x04) | (truncated ? 0x02 : 0) | (query[2]! & 0x01);
  r[3] = rcode;
  r[4] = 0;
  r[5] = 1;
  r.writeUInt16BE(truncated ? 0 : records.count, 6);
  r.writeUInt32BE(0, 8);
  if (extra) records.bytes.copy(r, q.end);
  return r;
}

/** A header-only error response (FORMERR, NOTIMP) for a query whose question could not be read. */
export function errorResponse(query: Buffer, rcode: number): Buffer {
  const r = Buffer.alloc(12);
  query.copy(r, 0, 0, Math.min(12, query.length));
  r[2] = 0x80 | (r[2]! & 0x79);
  r[3] = rcode;
  r.writeUInt32BE(0, 4);
  r.writeUInt32BE(0, 8);
  return r;
}

export function isClassIn(q: Question): boolean {
  return q.qclass === CLASS_IN || q.qclass === 255;
}
