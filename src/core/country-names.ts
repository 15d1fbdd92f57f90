// English country names for ISO 3166 alpha-2 codes, from the runtime's own ICU data.
const names = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string): string {
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** Every assigned alpha-2 code by its English name, lower case (built on first use). */
let byName: Map<string, string> | undefined;

/**
 * The ISO 3166 alpha-2 code of a country given by code ("de") or English name ("Germany"); undefined
 * when it is neither.
 */
export function countryCodeOf(text: string): string | undefined {
  const t = text.trim();
  if (/^[a-z]{2}$/i.test(t)) return t.toUpperCase();
  if (!byName) {
    byName = new Map();
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = countryName(code);
        if (name !== code) byName.set(name.toLowerCase(), code);
      }
  }
  return byName.get(t.toLowerCase());
}
