// Splits one Zeek TSV data line into columns and exposes them by name, honouring the header's
// separators and unset/empty markers.
import { FieldError } from '../../core/errors.js';
import { decodePrintable } from './escapes.js';
import type { ZeekFields } from './field-view.js';
import type { TsvHeader } from './tsv-header.js';

/**
 * The columns of a data line. When it has fewer separator-delimited columns than "#fields" (real
 * IoT captures write the last columns, e.g. appended labels, with runs of spaces), the tail is
 * split on spaces, last piece first, until the count is reached.
 */
export function splitRow(line: string, header: TsvHeader): string[] {
  const want = header.fields.length;
  const parts = line.split(header.separator);
  if (parts.length >= want) return parts;
  for (let k = parts.length - 1; k >= 0; k--) {
    const tail = parts.slice(k).flatMap((p) => (p.includes(' ') ? p.split(/ +/).filter((s) => s !== '') : [p]));
    const count = k + tail.length;
    if (count === want) return [...parts.slice(0, k), ...tail];
    if (count > want) {
      throw new FieldError(header.fields[k], `cannot align ${parts.length} columns with ${want} fields`);
    }
  }
  throw new FieldError(header.fields[parts.length], `line has ${parts.length} columns, #fields names ${want}`);
}

/** A field view over one split row. */
export function tsvFields(parts: string[], header: TsvHeader): ZeekFields {
  const raw = (name: string): string | undefined => {
    const i = header.index.get(name);
    const v = i === undefined ? undefined : parts[i];
    return v === undefined || v === header.unsetField ? undefined : v;
  };
  return {
    has: (name) => header.index.has(name),
    value(name) {
      const v = raw(name);
      if (v === undefined) return undefined;
      return v === header.emptyField ? '' : decodePrintable(v);
    },
    list(name) {
      const v = raw(name);
      if (v === undefined) return undefined;
      if (v === header.emptyField) return [];
      // Split before decoding: a separator inside an element is written escaped ("\x2c").
      const items = header.isContainer(name) ? v.split(header.setSeparator) : [v];
      return items.map(decodePrintable);
    },
  };
}
