// Checks on the source itself: the web app never turns strings into HTML or code, the built page
// has no inline script or style (the CSP would block it anyway), and the access SQL splices in
// nothing but its own constants (every value is a bound parameter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_WEB_ROOT } from './static-files.js';

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []));
}

test('web app sources never parse strings as HTML or code', () => {
  const sources = files(resolve('web/src'), '.ts');
  assert.ok(sources.length >= 10, 'found the web sources');
  const banned = /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment|setAttribute\(\s*['"]on|\.srcdoc|text\/html/;
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, banned, f);
    for (const m of text.matchAll(/parseFromString\([^)]*\)/g)) assert.match(m[0], /'image\/svg\+xml'/, `${f}: only SVG is parsed`);
  }
});

test('the built page has no inline script, inline style or style attribute', { skip: !existsSync(join(DEFAULT_WEB_ROOT, 'index.html')) && 'web app not built' }, () => {
  const html = readFileSync(join(DEFAULT_WEB_ROOT, 'index.html'), 'utf8');
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    assert.match(m[0], /\bsrc="\/assets\//, 'scripts load from files');
    assert.equal(m[1]!.trim(), '', 'no inline code');
  }
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  for (const js of files(join(DEFAULT_WEB_ROOT, 'assets'), '.js')) assert.doesNotMatch(readFileSync(js, 'utf8'), /\.innerHTML\s*=|insertAdjacentHTML|\beval\(/, js);
});

test('access SQL interpolates only its own constants, never a value', () => {
  // The victim and indicator pages are `sql` templates: their raw pieces are constants, and the
  // ORDER BY comes from pages-sql.ts's orderBy over their constant maps.
  const windowPages = readFileSync(resolve('src/server/access/window-pages-sql.ts'), 'utf8');
  assert.match(windowPages, /orderBy\(VICTIM_ORDER, q\.sort, q\.dir, /);
  assert.match(windowPages, /orderBy\(INDICATOR_ORDER, q\.sort, q\.dir, /);
  for (const m of windowPages.matchAll(/sql\.raw\(([^)]*)\)/g)) assert.match(m[1]!, /^'[^']*'$|^q\.matched \? '>' : '='$/, m[0]);
  assert.doesNotMatch(windowPages, /\.run\(`|\.all\(`|\.one\(`/);
  // The import pages are `sql` templates; the one raw piece is the ORDER BY from the constant map.
  const pages = readFileSync(resolve('src/server/access/pages-sql.ts'), 'utf8');
  assert.match(pages, /Object\.hasOwn\(map, key\)/);
  assert.equal(pages.match(/sql\.raw\(/g)?.length, 1);
  assert.doesNotMatch(pages, /\.run\(`|\.all\(`|\.one\(`/);
  // The token queries are `sql` templates, whose interpolations are bound values: no raw SQL text.
  const tokens = readFileSync(resolve('src/server/auth/tokens-sql.ts'), 'utf8');
  assert.match(tokens, /sql`SELECT/);
  assert.doesNotMatch(tokens, /sql\.raw|\.run\(`|\.all\(`|\.one\(`/);
});
