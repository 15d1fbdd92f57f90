// CPE 2.2 URI → 2.3 formatted string (NISTIR 7695 unbind/bind), escaping, and building names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCpe23, cpeToCpe23, escapeFsValue, parseCpe23, unescapeFsValue } from './cpe.js';

test('a 2.2 URI becomes a 2.3 formatted string, missing parts ANY', () => {
  assert.equal(cpeToCpe23('cpe:/h:tp-link:tl-wr841n:v9'), 'cpe:2.3:h:tp-link:tl-wr841n:v9:*:*:*:*:*:*:*');
  assert.equal(cpeToCpe23('cpe:/o:mikrotik:routeros:6.48.6'), 'cpe:2.3:o:mikrotik:routeros:6.48.6:*:*:*:*:*:*:*');
  assert.equal(cpeToCpe23('cpe:/a:apache'), 'cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*');
  assert.equal(cpeToCpe23('cpe:/'), 'cpe:2.3:*:*:*:*:*:*:*:*:*:*:*');
});

test('NA "-" is kept and an empty component is ANY', () => {
  assert.equal(cpeToCpe23('cpe:/a:perl:perl:-'), 'cpe:2.3:a:perl:perl:-:*:*:*:*:*:*:*');
  assert.equal(cpeToCpe23('cpe:/a:vendor:product::sp1'), 'cpe:2.3:a:vendor:product:*:sp1:*:*:*:*:*:*');
});

test('a packed edition unpacks into the 2.3 extended attributes', () => {
  assert.equal(
    cpeToCpe23('cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~'),
    'cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*',
  );
  assert.equal(cpeToCpe23('cpe:/a:x:y:1:u:~a~b~c~d'), undefined, 'a packed edition needs all five parts');
});

test('percent-encoded and special characters are quoted; . - _ are not', () => {
  assert.equal(cpeToCpe23('cpe:/a:foo%5cbar:big%24money_manager_2010'), 'cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:*:*:*:*');
  assert.equal(cpeToCpe23('cpe:/a:cisco:ios:12.2(33)sxj'), 'cpe:2.3:a:cisco:ios:12.2\\(33\\)sxj:*:*:*:*:*:*:*');
  assert.equal(cpeToCpe23('cpe:/a:x:y:1.0%01%02'), 'cpe:2.3:a:x:y:1.0?*:*:*:*:*:*:*:*', '%01/%02 are the wildcards');
  assert.equal(cpeToCpe23('cpe:/h:TP-LINK:TL-WR841N'), 'cpe:2.3:h:tp-link:tl-wr841n:*:*:*:*:*:*:*:*');
});

test('2.3 strings are parsed on unescaped colons and normalised; junk is refused', () => {
  const c = parseCpe23('cpe:2.3:a:foo\\:bar:baz:1.0:*:*:*:*:*:*:*');
  assert.equal(c?.vendor, 'foo\\:bar');
  assert.equal(unescapeFsValue(c!.vendor), 'foo:bar');
  assert.equal(unescapeFsValue('*'), undefined);
  assert.equal(cpeToCpe23('cpe:2.3:O:MikroTik:RouterOS:6.42:*:*:*:*:*:*:*'), 'cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:*');
  assert.equal(parseCpe23('cpe:2.3:a:too:few'), undefined);
  assert.equal(cpeToCpe23('not a cpe'), undefined);
  assert.equal(cpeToCpe23('cpe:/x:a:b'), undefined);
  assert.equal(cpeToCpe23('cpe:/a:1:2:3:4:5:6:7'), undefined);
});

test('names we identified are built into 2.3 CPEs with escaping', () => {
  assert.equal(buildCpe23({ part: 'h', vendor: 'TP-Link', product: 'Archer C7', version: 'v5' }), 'cpe:2.3:h:tp-link:archer_c7:v5:*:*:*:*:*:*:*');
  assert.equal(buildCpe23({ part: 'o', vendor: 'D-Link', product: 'DIR-859 Firmware' }), 'cpe:2.3:o:d-link:dir-859_firmware:*:*:*:*:*:*:*:*');
  assert.equal(escapeFsValue('Vigor 2960 (EU)'), 'vigor_2960_\\(eu\\)');
  assert.equal(escapeFsValue('a:b*c'), 'a\\:b\\*c');
});
