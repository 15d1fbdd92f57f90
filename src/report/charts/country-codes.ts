// ISO 3166-1 alpha-2 <-> numeric codes, the ids the world-atlas country shapes carry, from the
// i18n-iso-countries tables (codes only: no locale data is loaded).
import countries from 'i18n-iso-countries/index.js';

/** Shapes world-atlas leaves without an id (Natural Earth's disputed areas), by their name. */
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK', Somaliland: 'SO', 'N. Cyprus': 'CY' };

/** "US" -> "840", zero-padded like the atlas ids; undefined for a code with no numeric form. */
export function numericOf(alpha2: string): string | undefined {
  return countries.alpha2ToNumeric(alpha2.toUpperCase());
}

/** The alpha-2 code a world-atlas country shape stands for, from its id or, failing that, its name. */
export function alpha2OfShape(id: string | number | undefined, name?: string): string | undefined {
  if (id !== undefined && id !== null && id !== '') {
    const cc = countries.numericToAlpha2(String(id).padStart(3, '0'));
    if (cc) return cc;
  }
  return name ? UNNUMBERED[name] : undefined;
}
