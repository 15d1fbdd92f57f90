// The world choropleth: one path per country (Equal Earth projection), filled by victim count on a
// log scale, a dot for countries too small to draw, and a legend. Pure: data and atlas in, SVG out.
import { geoEqualEarth, geoPath } from 'd3-geo';
import { countFill, legendSvg, NO_DATA_FILL } from './color-scale.js';
import { esc, fmtInt, r1, svgOpen } from './svg-util.js';
import type { WorldAtlas } from './world-atlas.js';

export interface CountryCount {
  /** ISO 3166-1 alpha-2 code (as the census keys countries). */
  cc: string;
  count: number;
  /** Name for the tooltip; the atlas' own name when absent. */
  name?: string;
}

export interface WorldMapOptions {
  /** Drawing width in SVG units (default 960); the height follows the projection. */
  width?: number;
  /** Accessible label of the whole map. */
  label?: string;
  /** Heading of the legend (default "Victims"). */
  legendTitle?: string;
  /**
   * ISO alpha-2 code of one country to zoom to (its neighbours drawn around it, the rest cut
   * off by the frame): for an owner whose victims are all in one country. Ignored when the atlas
   * has no shape for it.
   */
  focus?: string;
}

const LEGEND_SPACE = 44;

/** SVG of the world with each country filled by its count. Countries not in `counts` are grey. */
export function worldMapSvg(counts: CountryCount[], atlas: WorldAtlas, opts: WorldMapOptions = {}): string {
  const width = opts.width ?? 960;
  const byCc = new Map(counts.filter((c) => c.count > 0).map((c) => [c.cc.toUpperCase(), c]));
  const max = Math.max(1, ...[...byCc.values()].map((c) => c.count));
  const collection: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: atlas.shapes.map((s) => ({ type: 'Feature', properties: {}, geometry: s.geometry })),
  };
  const focus = opts.focus ? atlas.shapes.find((s) => s.cc === opts.focus!.toUpperCase()) : undefined;
  const frame = Math.round(width * 0.5);
  const projection = focus
    ? geoEqualEarth().fitExtent([[24, 24], [width - 24, frame - 24]], { type: 'Feature', properties: {}, geometry: focus.geometry })
    : geoEqualEarth().fitWidth(width, collection);
  const path = geoPath(projection).digits(1);
  const mapHeight = focus ? frame : Math.ceil(path.bounds(collection)[1][1]);
  const height = mapHeight + LEGEND_SPACE;

  const open = svgOpen(width, height, opts.label ?? (focus ? `Map of ${focus.name}` : 'World map of victims by country'), 'chart world-map');
  const out = [focus ? open.replace('<svg ', `<svg data-focus="${esc(focus.cc!)}" `) : open];
  out.push(`<g class="countries" stroke="#fff" stroke-width="0.5" stroke-linejoin="round">`);
  for (const s of atlas.shapes) {
    const d = path(s.geometry);
    if (!d) continue;
    const c = s.cc ? byCc.get(s.cc) : undefined;
    const fill = c ? countFill(c.count, max) : NO_DATA_FILL;
    const tip = c ? `${c.name ?? s.name}: ${fmtInt(c.count)}` : s.name;
    out.push(
      `<path d="${d}" fill="${fill}"${s.cc ? ` data-cc="${esc(s.cc)}"` : ''}${c ? ` data-count="${c.count}"` : ''}><title>${esc(tip)}</title></path>`,
    );
  }
  out.push('</g><g class="small-countries" stroke="#08306b" stroke-width="0.8">');
  for (const c of byCc.values()) {
    const at = atlas.points[c.cc];
    const xy = at && projection(at);
    if (!xy) continue;
    out.push(
      `<circle cx="${r1(xy[0])}" cy="${r1(xy[1])}" r="4" fill="${countFill(c.count, max)}" data-cc="${esc(c.cc)}" data-count="${c.count}"><title>${esc(`${c.name ?? c.cc}: ${fmtInt(c.count)}`)}</title></circle>`,
    );
  }
  out.push('</g>');
  out.push(legendSvg(8, mapHeight + 16, max, opts.legendTitle ?? 'Victims'));
  out.push('</svg>');
  return out.join('');
}

/** The counts the map cannot place: unknown country ("??") or a code with no shape and no point. */
export function countriesOffMap(counts: CountryCount[], atlas: WorldAtlas): CountryCount[] {
  const placed = new Set<string>([...atlas.shapes.map((s) => s.cc ?? ''), ...Object.keys(atlas.points)]);
  return counts.filter((c) => c.count > 0 && !placed.has(c.cc.toUpperCase()));
}
