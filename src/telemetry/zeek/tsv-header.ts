// The Zeek TSV header state machine: reads "#separator", "#fields", ... lines (tolerating the
// malformed ones real captures contain) and keeps what data lines need to be split and read.
import { decodeAll } from './escapes.js';

const DEFAULTS = { separator: '\t', setSeparator: ',', emptyField: '(empty)', unsetField: '-' };

export class TsvHeader {
  separator = DEFAULTS.separator;
  setSeparator = DEFAULTS.setSeparator;
  emptyField = DEFAULTS.emptyField;
  unsetField = DEFAULTS.unsetField;
  /** The "#path" of the current block (conn, dns, ...), if the file says. */
  path: string | undefined;
  /** Column names of the current block; empty until "#fields" is read. */
  fields: string[] = [];
  /** Column types ("time", "set[string]", ...), aligned with `fields` when "#types" is present. */
  types: string[] = [];
  /** Column name to index in a data row. */
  index = new Map<string, number>();

  /**
   * Reads one line that starts with "#" (possibly after stray whitespace). Unknown directives
   * ("#open", "#close", comments) are accepted and ignored: they are framing either way.
   */
  read(line: string): void {
    const text = line.trimStart();
    const m = /^#([A-Za-z_]+)/.exec(text);
    if (!m) return;
    const key = m[1]!;
    const rest = text.slice(m[0].length);
    if (key === 'separator') {
      // "#separator \x09": the value follows one space; a new separator starts a new block.
      const value = decodeAll(rest.replace(/^[ \t]/, '').trim() || rest.slice(1));
      this.reset();
      if (value !== '') this.separator = value;
      return;
    }
    const values = this.values(rest);
    switch (key) {
      case 'set_separator':
        if (values[0]) this.setSeparator = decodeAll(values[0]);
        break;
      case 'empty_field':
        if (values[0]) this.emptyField = decodeAll(values[0]);
        break;
      case 'unset_field':
        if (values[0]) this.unsetField = decodeAll(values[0]);
        break;
      case 'path':
        this.path = values[0]?.toLowerCase();
        break;
      case 'fields':
        this.fields = values;
        this.types = [];
        this.index = new Map(values.map((name, i) => [name, i]));
        break;
      case 'types':
        this.types = values;
        break;
    }
  }

  /** True when the named column is a Zeek set or vector. Without "#types", any column may be. */
  isContainer(name: string): boolean {
    const i = this.index.get(name);
    const type = i === undefined ? undefined : this.types[i];
    return type === undefined || /^(set|vector|table)\[/.test(type);
  }

  private reset(): void {
    Object.assign(this, DEFAULTS);
    this.path = undefined;
    this.fields = [];
    this.types = [];
    this.index = new Map();
  }

  /**
   * A directive's values: split on the separator, and each piece again on whitespace, because
   * names never contain spaces and some hand-edited headers use spaces for the last columns.
   */
  private values(rest: string): string[] {
    const pieces = rest.split(this.separator);
    if (pieces[0]?.trim() === '') pieces.shift();
    return pieces.flatMap((p) => p.trim().split(/\s+/)).filter((p) => p !== '');
  }
}
