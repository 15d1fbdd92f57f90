// The one view of a Zeek log line that the mappers read, whether it came from TSV or JSON.

/** Read access to one log line's fields by their Zeek names ("id.orig_h", "query", ...). */
export interface ZeekFields {
  /** True when the line has this column or key at all (even if unset on this line). */
  has(name: string): boolean;
  /** The value, or undefined when unset; TSV gives text, JSON may give numbers. */
  value(name: string): string | number | undefined;
  /** A set/vector field as its elements; [] when empty, undefined when unset. */
  list(name: string): string[] | undefined;
}
