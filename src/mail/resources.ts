// Every remote resource in a message's HTML and plain text: what a mail client may load when the
// message is opened (images, CSS, frames, backgrounds) and what a reader may click (links, URLs
// in text). The HTML is parsed (node-html-parser), never scanned with patterns; CSS url() and
// @import are read from style attributes and <style> elements.
import { parse, type HTMLElement } from 'node-html-parser';
import type { Resource, ResourceKind } from './message.js';
import { hostOf, unwrap } from './urls.js';

/** Resources read from one message at most; a message with more is cut there. */
const MAX_RESOURCES = 2000;

const SOURCE_ATTRS: Record<string, [ResourceKind, string][]> = {
  img: [['img', 'src']],
  input: [['img', 'src']],
  a: [['anchor', 'href']],
  area: [['anchor', 'href']],
  link: [['link', 'href']],
  iframe: [['iframe', 'src']],
  frame: [['iframe', 'src']],
  embed: [['iframe', 'src']],
  object: [['iframe', 'data']],
  video: [['background', 'poster'], ['background', 'src']],
  audio: [['background', 'src']],
  source: [['background', 'src']],
};

export interface HtmlRead {
  resources: Resource[];
  /** The visible text, for the template fingerprint. */
  text: string;
}

export function htmlResources(html: string): HtmlRead {
  const root = parse(html, { comment: false, blockTextElements: { style: true, script: false, noscript: false, pre: true } });
  const out: Resource[] = [];
  const add = (kind: ResourceKind, raw: string, extra: Partial<Resource> = {}) => {
    if (out.length >= MAX_RESOURCES) return;
    const chain = unwrap(raw);
    if (!chain.length) return;
    out.push({ kind, chain, host: hostOf(chain[chain.length - 1]!), reasons: [], ...extra });
  };
  for (const el of root.querySelectorAll('*')) {
    const tag = el.rawTagName?.toLowerCase() ?? '';
    const style = el.getAttribute('style') ?? '';
    for (const [kind, attr] of SOURCE_ATTRS[tag] ?? []) {
      const v = el.getAttribute(attr);
      if (!v) continue;
      if (kind === 'img') add(kind, v, imageBox(el, style));
      else if (kind === 'anchor') add(kind, v, { text: el.text.replace(/\s+/g, ' ').trim().slice(0, 200) });
      else if (kind === 'link' || kind === 'iframe') add(kind, v, hiddenByStyle(style) ? { hidden: true } : {});
      else add(kind, v);
    }
    const bg = el.getAttribute('background');
    if (bg) add('background', bg);
    if (style) for (const u of cssUrls(style)) add('css', u);
    if (tag === 'style') for (const u of cssUrls(el.rawText)) add('css', u);
  }
  return { resources: out, text: root.text };
}

/** URLs in plain text. Links are written in text as they are, so a pattern is the reader here. */
export function textResources(text: string): Resource[] {
  const out: Resource[] = [];
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"'`)\]]+/gi)) {
    if (out.length >= MAX_RESOURCES) break;
    const chain = unwrap(m[0].replace(/[.,;:!?]+$/, ''));
    if (chain.length) out.push({ kind: 'text', chain, host: hostOf(chain[chain.length - 1]!), reasons: [] });
  }
  return out;
}

/** url(...) and @import targets in CSS text. */
export function cssUrls(css: string): string[] {
  const out: string[] = [];
  for (const m of css.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3/gi)) out.push(cssUnescape(m[2] ?? m[4] ?? ''));
  return out.filter(Boolean);
}

/** CSS escapes (\68 ttp) used to hide URLs from naive filters. */
function cssUnescape(s: string): string {
  return s.replace(/\\([0-9a-f]{1,6})\s?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/\\(.)/g, '$1');
}

function imageBox(el: HTMLElement, style: string): Partial<Resource> {
  const css = styleMap(style);
  const width = px(el.getAttribute('width')) ?? px(css.get('width')) ?? px(css.get('max-width'));
  const height = px(el.getAttribute('height')) ?? px(css.get('height')) ?? px(css.get('max-height'));
  const r: Partial<Resource> = {};
  if (width !== undefined) r.width = width;
  if (height !== undefined) r.height = height;
  if (hiddenByStyle(style) || el.getAttribute('hidden') !== undefined || width === 0 || height === 0) r.hidden = true;
  return r;
}

function styleMap(style: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const decl of style.split(';')) {
    const i = decl.indexOf(':');
    if (i > 0) m.set(decl.slice(0, i).trim().toLowerCase(), decl.slice(i + 1).trim().toLowerCase());
  }
  return m;
}

export function hiddenByStyle(style: string): boolean {
  const css = styleMap(style);
  return (
    css.get('display')?.startsWith('none') === true ||
    css.get('visibility')?.startsWith('hidden') === true ||
    /^0(\.0*)?(\s|!|$)/.test(css.get('opacity') ?? '') ||
    /^-\d{3,}/.test(css.get('left') ?? '') ||
    /^-\d{3,}/.test(css.get('top') ?? '')
  );
}

/** A size in pixels: "1", "1px", "0"; undefined for anything else (percentages, auto). */
function px(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(px)?\s*(!important)?\s*$/i.exec(v);
  return m ? Number(m[1]) : undefined;
}
