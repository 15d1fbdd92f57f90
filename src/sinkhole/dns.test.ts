import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { metricValue } from './metrics.js';
import { adminGet, startTestSinkhole, tcpQueries, udpQuery, type TestSinkhole } from './test-helpers.js';

/** dns-packet decodes rcode and the flags; its types leave rcode out. */
const decode = (b: Buffer) => dnsPacket.decode(b) as dnsPacket.DecodedPacket & { rcode: string };

const query = (name: string, type: dnsPacket.RecordType = 'A', id = 4242, rd = true) =>
  dnsPacket.encode({ type: 'query', id, flags: rd ? dnsPacket.RECURSION_DESIRED : 0, questions: [{ type, name, class: 'IN' }] });

describe('DNS listener', () => {
  let s: TestSinkhole;
  before(async () => {
    s = await startTestSinkhole({ dns: { host: '127.0.0.1', port: 0 }, botId: ['qname:^([0-9a-f]{8})\\.'] }, { ratePerSecond: 0 });
  });
  after(() => s.close());

  it('answers A and AAAA for every name under a sinkholed one, authoritatively and without recursion', async () => {
    const a = decode((await udpQuery(s.port('dns'), query('deadbeef.Api.C2.example', 'A', 7)))!);
    assert.equal(a.id, 7);
    assert.equal(a.rcode, 'NOERROR');
    assert.equal(a.flag_aa, true);
    assert.equal(a.flag_ra, false);
    assert.deepEqual(a.answers!.map((r) => [r.name, r.type, (r as { data: string }).data, (r as { ttl: number }).ttl]), [['deadbeef.Api.C2.example', 'A', '127.0.0.1', 300]]);
    const aaaa = decode((await udpQuery(s.port('dns'), query('c2.example', 'AAAA')))!);
    assert.deepEqual(aaaa.answers!.map((r) => (r as { data: string }).data), ['::1']);
    const txt = decode((await udpQuery(s.port('dns'), query('evil.example', 'TXT')))!);
    assert.equal(txt.rcode, 'NOERROR');
    assert.equal(txt.answers!.length, 0);
  });

  it('refuses every other name, recursion desired or not, and journals no check-in for it', async () => {
    const before = (await s.checkins()).length;
    for (const name of ['example.org', 'notc2.example', 'example']) {
      const r = decode((await udpQuery(s.port('dns'), query(name)))!);
      assert.equal(r.rcode, 'REFUSED', name);
      assert.equal(r.answers!.length, 0);
      assert.equal(r.flag_ra, false);
    }
    assert.equal((await s.checkins()).length, before);
  });

  it('answers malformed queries with FORMERR and ignores responses', async () => {
    const bad = Buffer.from(query('c2.example')).subarray(0, 15);
    const r = decode((await udpQuery(s.port('dns'), bad))!);
    assert.equal(r.rcode, 'FORMERR');
    const resp = Buffer.from(query('c2.example'));
    resp[2]! |= 0x80;
    assert.equal(await udpQuery(s.port('dns'), resp, '127.0.0.1', 300), undefined);
  });

  it('answers over TCP, several queries on one connection', async () => {
    // Answers over TCP may come out of order (RFC 7766): REFUSED at once, a check-in once journaled.
    const res = (await tcpQueries(s.port('dns'), [query('x.evil.example', 'A', 1), query('example.org', 'A', 2)])).map(decode).sort((x, y) => x.id! - y.id!);
    const [da, db] = res as [ReturnType<typeof decode>, ReturnType<typeof decode>];
    assert.equal(da.id, 1);
    assert.equal((da.answers![0] as { data: string }).data, '127.0.0.1');
    assert.equal(db.id, 2);
    assert.equal(db.rcode, 'REFUSED');
  });

  it('journals each sinkholed question as a check-in with its name, family and bot id', async () => {
    const all = await s.checkins();
    const c = all.find((x) => x.q === 'deadbeef.api.c2.example')!;
    assert.equal(c.n, 'c2.example');
    assert.equal(c.fam, 'raptortrain');
    assert.equal(c.bot, 'deadbeef');
    assert.equal(c.p, 'udp');
    assert.equal(c.qt, 1);
    assert.equal(c.src, '127.0.0.1');
    const t = all.find((x) => x.q === 'x.evil.example')!;
    assert.equal(t.p, 'tcp');
    assert.equal(t.n, 'evil.example');
    assert.deepEqual(all.map((x) => x.s), all.map((_, i) => i + 1));
  });
});

describe('DNS response-rate limiting', () => {
  let s: TestSinkhole;
  before(async () => {
    s = await startTestSinkhole({ dns: { host: '127.0.0.1', port: 0 } }, { ratePerSecond: 1, burst: 4, slip: 2 });
  });
  after(() => s.close());

  it('answers a source prefix up to its budget, then drops or truncates, counting the shed per prefix; other prefixes still answered', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => udpQuery(s.port('dns'), query('c2.example', 'A', i), '127.0.0.2', 800)));
    const decoded = answers.filter((a) => a).map((a) => decode(a!));
    const full = decoded.filter((d) => !d.flag_tc);
    const truncated = decoded.filter((d) => d.flag_tc);
    assert.ok(full.length >= 4 && full.length <= 6, `full answers ${full.length}`);
    assert.ok(truncated.length >= 5, `truncated ${truncated.length}`);
    assert.ok(truncated.every((d) => d.answers!.length === 0));
    assert.ok(answers.some((a) => a === undefined), 'some dropped');
    const other = decode((await udpQuery(s.port('dns'), query('c2.example'), '127.0.0.3'))!);
    assert.equal(other.answers!.length, 1);
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    assert.ok(metricValue(m, 'shed_by_prefix_total', { listener: 'dns-udp', prefix: '127.0.0.2' })! >= 14);
    assert.equal(metricValue(m, 'shed_by_prefix_total', { listener: 'dns-udp', prefix: '127.0.0.3' }), undefined);
    assert.equal(metricValue(m, 'accepted_total', { listener: 'dns-udp' }), full.length + 1);
  });

  it('limits TCP too', async () => {
    const res = await tcpQueries(s.port('dns'), Array.from({ length: 8 }, (_, i) => query('c2.example', 'A', i)), 4);
    assert.ok(res.length >= 4);
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    assert.ok(metricValue(m, 'shed_total', { listener: 'dns-tcp', reason: 'rate' })! >= 1);
  });
});
