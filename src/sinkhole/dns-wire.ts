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

/** The query's question; 'drop' for what deserves no answer (a response, a runt), 'formerr' for a malformed query. */
export function parseQuery(b: Buffer): Question | 'drop' | 'formerr' {
  if (b.length < 12 || b[2]! & 0x80) return 'drop';
  const opcode = (b[2]! >> 3) & 0x0f;
  if (b[4] !== 0 || b[5] !== 1) return 'formerr';
  let o = 12;
  let name = '';
  for (;;) {
    if (o >= b.length) return 'formerr';
    const len = b[o]!;
    if (len === 0) break;
    if (len > 63 || o + 1 + len > b.length) return 'formerr';
    if (name.length) name += '.';
    name += b.toString('latin1', o + 1, o + 1 + len);
    o += 1 + len;
    if (name.length > 253) return 'formerr';
  }
  o += 1;
  if (o + 4 > b.length) return 'formerr';
  const qtype = b.readUInt16BE(o);
  const qclass = b.readUInt16BE(o + 2);
  return { name: name.toLowerCase(), qtype, qclass, opcode, end: o + 4 };
}

/** One answer record for the question's name: its type and data (4 bytes for A, 16 for AAAA). */
export interface AnswerData {
  type: number;
  rdata: Buffer;
}

/**
 * The response to `query`: its header and question copied, QR and AA set, RD kept, RA clear
 * (never recursive), `rcode`, and `answers` for the question's name with `ttl`. `truncated` sets
 * TC with no answers: the client asks again over TCP.
 */
export function buildResponse(query: Buffer, q: Question, rcode: number, answers: AnswerData[], ttl: number, truncated = false): Buffer {
  let size = q.end;
  for (const a of answers) size += 12 + a.rdata.length;
  const r = Buffer.allocUnsafe(truncated ? q.end : size);
  query.copy(r, 0, 0, q.end);
  r[2] = 0x80 | (q.opcode << 3) | (rcode === RCODE.REFUSED ? 0 : 0x04) | (truncated ? 0x02 : 0) | (query[2]! & 0x01);
  r[3] = rcode;
  r.writeUInt16BE(1, 4);
  r.writeUInt16BE(truncated ? 0 : answers.length, 6);
  r.writeUInt32BE(0, 8);
  if (truncated) return r;
  let o = q.end;
  for (const a of answers) {
    r[o] = 0xc0;
    r[o + 1] = 12;
    r.writeUInt16BE(a.type, o + 2);
    r.writeUInt16BE(CLASS_IN, o + 4);
    r.writeUInt32BE(ttl, o + 6);
    r.writeUInt16BE(a.rdata.length, o + 10);
    a.rdata.copy(r, o + 12);
    o += 12 + a.rdata.length;
  }
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
