// Zeek's "\xHH" escapes: how the TSV writer spells separators and unprintable bytes inside values.

const ESCAPE_RE = /\\x([0-9a-fA-F]{2})/g;

/** Decodes every \xHH escape; used for header values such as "#separator \x09". */
export function decodeAll(text: string): string {
  return text.replace(ESCAPE_RE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Decodes the escapes of printable ASCII (the separators Zeek had to escape, e.g. "\x2c" in a DNS
 * TXT answer) and leaves unprintable bytes escaped, so values stay one line of readable text.
 */
export function decodePrintable(text: string): string {
  if (text.indexOf('\\x') < 0) return text;
  return text.replace(ESCAPE_RE, (whole, hex: string) => {
    const code = parseInt(hex, 16);
    return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : whole;
  });
}
