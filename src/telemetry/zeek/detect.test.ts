// Unit tests of Zeek format detection against Zeek and neighbouring formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeekFormat } from './index.js';

const detect = (name: string, ...head: string[]) => zeekFormat.detect(name, head);

test('claims Zeek TSV, including indented and #fields-only headers', () => {
  assert.equal(detect('conn.log', '#separator \\x09', '#set_separator\t,'), true);
  assert.equal(detect('x.log', '\t#separator \\x09'), true);
  assert.equal(detect('x.log', '#fields\tts\tuid\tid.orig_h'), true);
  assert.equal(detect('known_hosts.log', '#separator \\x09', '#path\tknown_hosts'), true);
});

test('claims Zeek JSON: _path, flat or nested connection ids, notice named by file', () => {
  assert.equal(detect('x.json', '{"_path":"weird","ts":"2024-01-01T00:00:00Z"}'), true);
  assert.equal(detect('x.json', '{"ts":1.5,"id.orig_h":"10.0.0.1","id.orig_p":1}'), true);
  assert.equal(detect('x.json', '{"ts":1.5,"id":{"orig_h":"10.0.0.1"}}'), true);
  assert.equal(detect('test9-notice.json.log', '{"ts":1664459365.8,"note":"ICMP::ICMPAddressScan"}'), true);
});

test('does not claim Suricata, GoFlow2, nfdump, CSV or broken JSON', () => {
  assert.equal(detect('eve.json', '{"timestamp":"2024-01-01T00:00:00.000000+0000","event_type":"flow","src_ip":"1.2.3.4"}'), false);
  assert.equal(detect('conn.json', '{"ts":1,"event_type":"dns","id.orig_h":"1.2.3.4"}'), false);
  assert.equal(detect('goflow.json', '{"type":"NETFLOW_V9","time_received_ns":1,"src_addr":"1.2.3.4","dst_addr":"5.6.7.8"}'), false);
  assert.equal(detect('flows.csv', 'ts,te,td,sa,da,sp,dp,pr'), false);
  assert.equal(detect('conn.log', '{"ts":1,"id.orig_h"'), false);
  assert.equal(detect('conn.log'), false);
  assert.equal(detect('report.csv', '"timestamp","ip","port"'), false);
});
