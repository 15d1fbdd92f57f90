// The server name a TLS client asks for, read from the ClientHello in its first bytes (RFC 8446
// 4.1.2, RFC 6066 3). Only what the first record holds is read; anything else gives undefined.

export function looksLikeTls(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0x16 && b[1] === 0x03;
}

/** True once the first TLS record is complete (or the bytes are no TLS): no need to wait for more. */
export function firstRecordComplete(b: Buffer): boolean {
  if (!looksLikeTls(b)) return true;
  return b.length >= 5 && b.length >= 5 + b.readUInt16BE(3);
}

export function clientHelloSni(b: Buffer): string | undefined {
  if (!looksLikeTls(b) || b.length < 9) return undefined;
  const recEnd = Math.min(b.length, 5 + b.readUInt16BE(3));
  if (b[5] !== 0x01) return undefined;
  // handshake header (4) + client_version (2) + random (32)
  let o = 5 + 4 + 2 + 32;
  const need = (n: number) => o + n <= recEnd;
  if (!need(1)) return undefined;
  o += 1 + b[o]!; // session id
  if (!need(2)) return undefined;
  o += 2 + b.readUInt16BE(o); // cipher suites
  if (!need(1)) return undefined;
  o += 1 + b[o]!; // compression methods
  if (!need(2)) return undefined;
  const extEnd = Math.min(recEnd, o + 2 + b.readUInt16BE(o));
  o += 2;
  while (o + 4 <= extEnd) {
    const type = b.readUInt16BE(o);
    const len = b.readUInt16BE(o + 2);
    o += 4;
    if (type === 0 && o + len <= extEnd) return serverName(b, o, o + len);
    o += len;
  }
  return undefined;
}

function serverName(b: Buffer, o: number, end: number): string | undefined {
  if (o + 2 > end) return undefined;
  const listEnd = Math.min(end, o + 2 + b.readUInt16BE(o));
  o += 2;
  while (o + 3 <= listEnd) {
    const kind = b[o]!;
    const len = b.readUInt16BE(o + 1);
    o += 3;
    if (o + len > listEnd) return undefined;
    if (kind === 0) return b.toString('latin1', o, o + len).toLowerCase();
    o += len;
  }
  return undefined;
}
