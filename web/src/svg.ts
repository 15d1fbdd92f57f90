// Charts come from the server as SVG text (the report's chart functions, which escape every label).
// They are parsed as XML, not HTML, and only drawing elements and attributes are kept, so even a
// chart carrying markup could not add a script, a handler, a link or foreign HTML.
const ELEMENTS = new Set(['svg', 'g', 'path', 'circle', 'rect', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc']);
const ATTRIBUTES = /^(class|viewBox|width|height|role|aria-label|font-family|font-size|font-weight|fill|fill-opacity|stroke|stroke-width|stroke-linejoin|stroke-opacity|opacity|d|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|dx|dy|points|transform|text-anchor|data-[a-z-]+|xmlns)$/;

function clean(el: Element): void {
  for (const child of [...el.children]) {
    if (!ELEMENTS.has(child.localName)) child.remove();
    else clean(child);
  }
  for (const a of [...el.attributes]) if (!ATTRIBUTES.test(a.name)) el.removeAttribute(a.name);
}

/** The chart as a live SVG element, or a text note when the server sent something unreadable. */
export function chartFromSvg(text: string): Element {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.localName !== 'svg' || doc.querySelector('parsererror')) {
    const p = document.createElement('p');
    p.textContent = 'Chart unavailable';
    return p;
  }
  clean(root);
  const svg = document.importNode(root, true);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  return svg;
}
