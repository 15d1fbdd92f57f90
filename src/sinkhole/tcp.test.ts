import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { clientHelloSni } from './tls-sni.js';
import { startTestSinkhole, type TestSinkhole } from './test-helpers.js';

describe('raw TCP listener', () => {
  let s: TestSinkhole;
  before(async () => {
    s = await startTestSinkhole({ tcp: [{ host: '127.0.0.1', port: 0 }], botId: ['payload:id=(\\w+)'] }, { ratePerSecond: 0, headerTimeoutMs: 400 });
  });
  after(() => s.close());

  it('logs the SNI of a real TLS ClientHello (node:tls) and the first bytes, then closes', async () => {
    await new Promise<void>((resolve) => {
      const t = tlsConnect({ host: '127.0.0.1', port: s.port('tcp1'), servername: 'Update.C2.example', rejectUnauthorized: false });
      t.on('error', () => resolve());
      t.on('close', () => resolve());
    });
    const c = (await s.checkins()).find((x) => x.sni)!;
    assert.equal(c.sni, 'update.c2.example');
    assert.equal(c.n, 'c2.example');
    assert.equal(c.first!.slice(0, 4), '1603');
    assert.equal(c.first!.length, 256 * 2);
    assert.equal(c.fam, 'raptortrain');
  });

  it('logs a plain client\'s first bytes with its bot id under the address it reached', async () => {
    await new Promise<void>((resolve) => {
      const k = tcpConnect(s.port('tcp1'), '127.0.0.1', () => k.write('HELLO id=dev42 v=3\n'));
      k.on('error', () => resolve());
      k.on('close', () => resolve());
    });
    const c = (await s.checkins()).find((x) => x.bot === 'dev42')!;
    assert.equal(Buffer.from(c.first!, 'hex').toString(), 'HELLO id=dev42 v=3\n');
    assert.equal(c.n, '127.0.0.1');
    assert.equal(c.sni, undefined);
  });

  it('logs a client that connects and sends nothing once the header timeout passes', async () => {
    const before = (await s.checkins()).length;
    await new Promise<void>((resolve) => {
      const k = tcpConnect(s.port('tcp1'), '127.0.0.1');
      k.on('error', () => resolve());
      k.on('close', () => resolve());
    });
    const all = await s.checkins();
    assert.equal(all.length, before + 1);
    assert.equal(all.at(-1)!.first, '');
  });
});

describe('ClientHello SNI', () => {
  it('finds nothing in bytes that are no TLS, or a truncated record', () => {
    assert.equal(clientHelloSni(Buffer.from('GET / HTTP/1.1\r\n')), undefined);
    assert.equal(clientHelloSni(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00])), undefined);
  });
});
