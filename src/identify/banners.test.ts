// Banner normalisers and device-id extraction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnFromParts, dnToRecog, greetingText, hexFingerprint, htmlTitle, parseRawHeaders, pop3Greeting, pruneEmpty, sshSoftware, telnetText } from './banners.js';
import { deviceIdFromBanners, deviceIdIn } from './device-id.js';
import { firstReply } from './scan-shodan.js';

test('greetings lose their reply codes and keep CRLF between lines', () => {
  assert.equal(greetingText('220 (vsFTPd 3.0.3)\r\n'), '(vsFTPd 3.0.3)');
  assert.equal(greetingText('220-this is a banner.\r\n220 host FTP server ready.\r\n'), 'this is a banner.\r\nhost FTP server ready.');
  assert.equal(pop3Greeting('+OK Dovecot ready.\r\n'), 'Dovecot ready.');
  assert.equal(pop3Greeting('+OK\r\n'), '');
});

test('Shodan-style captures are cut to the first reply', () => {
  assert.equal(firstReply('220-Welcome\r\n220 ready\r\n530 Login incorrect.\r\n214-help'), '220-Welcome\r\n220 ready');
  assert.equal(firstReply('220 ProFTPD Server\r\n530 no'), '220 ProFTPD Server');
});

test('SSH identification strings keep software and comment', () => {
  assert.equal(sshSoftware('SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.4\r\n'), 'OpenSSH_7.2p2 Ubuntu-4ubuntu2.4');
  assert.equal(sshSoftware('SSH-1.99-ROSSSH'), 'ROSSSH');
  assert.equal(sshSoftware('SSH-2.0-dropbear_2019.78\nKey type: ssh-rsa'), 'dropbear_2019.78');
});

test('telnet option negotiation is removed', () => {
  assert.equal(telnetText('\xff\xfb\x01\xff\xfd\x18login: '), 'login: ');
});

test('X.509 names are written leaf first without spaces, escaped commas kept', () => {
  assert.equal(dnToRecog("C=US, O=Let's Encrypt, CN=R3"), "CN=R3,O=Let's Encrypt,C=US");
  assert.equal(dnToRecog('CN=00:22:6b:ef:1e:d0,OU=RV042,O=Cisco-Linksys\\, LLC,C=US'), 'CN=00:22:6b:ef:1e:d0,OU=RV042,O=Cisco-Linksys\\, LLC,C=US');
  assert.equal(dnToRecog('CN=target'), 'CN=target');
  assert.equal(dnFromParts({ C: 'TW', O: 'Synology Inc.', CN: 'synology', OU: 'FTP Team' }), 'CN=synology,OU=FTP Team,O=Synology Inc.,C=TW');
  assert.equal(dnFromParts({ common_name: ['x'], organization: ['A, B'] }), 'CN=x,O=A\\, B');
  assert.equal(dnFromParts({}), undefined);
});

test('HTML titles are decoded and trimmed', () => {
  assert.equal(htmlTitle('<html><head><TITLE>\n  NETGEAR &amp; Router\n R7000 </TITLE>'), 'NETGEAR & Router R7000');
  assert.equal(htmlTitle('<title>&#84;&#x50;-LINK</title>'), 'TP-LINK');
  assert.equal(htmlTitle('<html><body>no title</body>'), undefined);
  assert.equal(htmlTitle('<title>  </title>'), undefined);
});

test('raw HTTP headers are read case-insensitively, repeated ones kept', () => {
  const h = parseRawHeaders('HTTP/1.1 401 Unauthorized\r\nServer: Boa/0.94.14rc21\r\nWWW-Authenticate: Basic realm="x"\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n<html>Server: no</html>');
  assert.deepEqual(h.get('server'), ['Boa/0.94.14rc21']);
  assert.deepEqual(h.get('www-authenticate'), ['Basic realm="x"']);
  assert.deepEqual(h.get('set-cookie'), ['a=1', 'b=2']);
});

test('fingerprints are lower-case hex of the right length or nothing', () => {
  assert.equal(hexFingerprint('AB:CD:' + 'ef'.repeat(30)), 'abcd' + 'ef'.repeat(30));
  assert.equal(hexFingerprint('abcd'), undefined);
  assert.equal(hexFingerprint('zz'.repeat(32)), undefined);
  assert.equal(hexFingerprint(42), undefined);
});

test('empty banners are dropped', () => {
  const b: Record<string, string | undefined> = { 'pop3.banner': '', 'ftp.banner': 'x', 'ssh.banner': '  ' };
  pruneEmpty(b);
  assert.deepEqual(b, { 'ftp.banner': 'x' });
});

test('device ids: MACs and serials, not placeholders or multicast', () => {
  assert.equal(deviceIdIn('CN=D4-6A-91-7A-A3-C4,OU=AN-300'), 'mac:d4:6a:91:7a:a3:c4');
  assert.equal(deviceIdIn('SERIALNUMBER=PID:CP-8851 SN:FCH1924AHCA,CN=x'), 'sn:FCH1924AHCA');
  assert.equal(deviceIdIn('CN=00:00:00:00:00:00'), undefined);
  assert.equal(deviceIdIn('CN=01:00:5e:00:00:01'), undefined);
  assert.equal(deviceIdIn('time 12:30:45:11:22:33:44'), undefined, 'a longer colon run is not a MAC');
  assert.equal(deviceIdFromBanners({ 'html_title': 'Serial Number: ABC12345', 'x509.subject': 'CN=aa:bb:cc:dd:ee:f0' }), 'mac:aa:bb:cc:dd:ee:f0');
  assert.equal(deviceIdFromBanners({ 'http_header.server': 'SN:ABCDEF123' }), undefined, 'server headers are not searched');
});
