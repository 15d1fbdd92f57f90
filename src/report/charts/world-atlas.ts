// Loads the world-atlas country shapes (Natural Earth 1:110m, public domain) for the map, once per
// process, plus a point for each country too small for that scale (Singapore, Hong Kong, Malta...)
// taken from the 1:50m shapes. Node only: the map itself (world-map.ts) takes the loaded atlas.
import { createRequire } from 'node:module';
import { geoCentroid } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { alpha2OfShape } from './country-codes.js';

export interface CountryShape {
  /** ISO alpha-2 code, or undefined for a shape with no country code. */
  cc?: string;
  /** Natural Earth's short name, e.g. "United States of America". */
  name: string;
  geometry: GeoJSON.Geometry;
}

export interface WorldAtlas {
  /** Country outlines, Antarctica left out (no victims, a third of the map). */
  shapes: CountryShape[];
  /** [longitude, latitude] of each country that has no outline at this scale, by alpha-2 code. */
  points: Record<string, [number, number]>;
}

export const ATLAS_ATTRIBUTION = 'Country shapes: Natural Earth 1:110m via the world-atlas package (public domain).';

const require = createRequire(import.meta.url);
let cached: WorldAtlas | undefined;

type Countries = Topology<{ countries: GeometryCollection<{ name: string }> }>;

function shapesOf(file: string): CountryShape[] {
  const topo = require(file) as Countries;
  const fc = feature(topo, topo.objects.countries);
  return fc.features.map((f) => ({ cc: alpha2OfShape(f.id, f.properties?.name), name: f.properties?.name ?? '', geometry: f.geometry }));
}

/** The atlas, read from the installed world-atlas package the first time it is asked for. */
export function loadWorldAtlas(): WorldAtlas {
  if (cached) return cached;
  const shapes = shapesOf('world-atlas/countries-110m.json').filter((s) => s.cc !== 'AQ');
  const drawn = new Set(shapes.map((s) => s.cc));
  const points: Record<string, [number, number]> = {};
  for (const s of shapesOf('world-atlas/countries-50m.json'))
    if (s.cc && !drawn.has(s.cc) && !points[s.cc]) points[s.cc] = geoCentroid({ type: 'Feature', properties: {}, geometry: s.geometry });
  cached = { shapes, points };
  return cached;
}
