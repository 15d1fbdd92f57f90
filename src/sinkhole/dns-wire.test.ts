import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { buildResponse, encodeAnswers, parseQuery, QTYPE, RCODE, type Question } from './dns-wire.js';

const query = (name: string, type: dnsPacket.RecordType = 'A') =>
  Buffer.from(dnsPacket.encode({ type: 'query', id: 99, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] }));

describe('DNS wire format', () => {
  it('reads the question name lower-cased (ASCII letters only) with its type', () => {
    const q = parseQuery(query('Bot-01.API.C2.Example', 'AAAA')) as Question;
    assert.equal(q.name, 'bot-01.api.c2.example');
    assert.equal(q.qtype, QTYPE.AAAA);
    assert.equal(q.qclass, 1);
    const raw = query('x.c2.example');
    // "x" as a byte outside ASCII letters is kept as it is.
    raw[13] = 0xc9;
    assert.equal((parseQuery(raw) as Question).name, '\u00c9.c2.example');
  });

  it('takes names of up to 253 characters and answers longer ones with FORMERR', () => {
    const ok = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    assert.equal(ok.length, 253);
    assert.equal((parseQuery(query(ok)) as Question).name, ok);
    // Four labels of 63: 255 characters.
    const tooLong = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...Array.from({ length: 4 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])), Buffer.from([0, 0, 1, 0, 1])]);
    assert.equal(parseQuery(tooLong), 'formerr');
    assert.equal(parseQuery(query('c2.example').subarray(0, 20)), 'formerr');
    const response = query('c2.example');
    response[2]! |= 0x80;
    assert.equal(parseQuery(response), 'drop');
  });

  it('answers with the records encoded once, pointing at the question name', () => {
    const records = encodeAnswers(
      [
        { type: QTYPE.A, rdata: Buffer.from([192, 0, 2, 53]) },
        { type: QTYPE.A, rdata: Buffer.from([198, 51, 100, 53]) },
      ],
      120,
    );
    const msg = query('Dev7.c2.example');
    const r = dnsPacket.decode(buildResponse(msg, parseQuery(msg) as Question, RCODE.NOERROR, records)) as dnsPacket.DecodedPacket & { rcode: string };
    assert.equal(r.id, 99);
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.flag_aa, true);
    assert.equal(r.flag_rd, true);
    assert.equal(r.flag_ra, false);
    assert.deepEqual(
      r.answers!.map((a) => [a.name, a.type, (a as { ttl: number }).ttl, (a as { data: string }).data]),
      [
        ['Dev7.c2.example', 'A', 120, '192.0.2.53'],
        ['Dev7.c2.example', 'A', 120, '198.51.100.53'],
      ],
    );
    const tc = dnsPacket.decode(buildResponse(msg, parseQuery(msg) as Question, RCODE.NOERROR, records, true)) as dnsPacket.DecodedPacket;
    assert.equal(tc.flag_tc, true);
    assert.equal(tc.answers!.length, 0);
    const refused = dnsPacket.decode(buildResponse(msg, parseQuery(msg) as Question, RCODE.REFUSED)) as dnsPacket.DecodedPacket & { rcode: string };
    assert.equal(refused.rcode, 'REFUSED');
    assert.equal(refused.flag_aa, false);
  });
});
