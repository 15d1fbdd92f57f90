// Domain errors: a code, a message, and where in the input the problem is. Only the CLI and the
// HTTP layer turn these into exit codes or responses.

export type ErrorCode =
  | 'BAD_INPUT' // a field, line or file that cannot be read as its format says
  | 'UNKNOWN_FORMAT' // no reader recognises the file
  | 'UNREADABLE' // the file cannot be opened or decompressed
  | 'NOTHING_IMPORTED' // every line of a file was rejected
  | 'STRICT' // --strict and at least one line was rejected
  | 'USAGE' // a command-line value is wrong
  | 'STORE'; // the database refused something

export interface Where {
  /** File the problem is in, as the user named it. */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
  /** Column or key name, as the file spells it. */
  field?: string;
}

export class BotcensusError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly where: Where = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BotcensusError';
  }

  /** "file:line: field 'x': message", leaving out what is not known. */
  override toString(): string {
    return formatWhere(this.where) + this.message;
  }
}

/** Thrown by a parser for one bad line; the reader base catches it and rejects only that line. */
export class FieldError extends Error {
  constructor(
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

export function formatWhere(where: Where): string {
  let out = '';
  if (where.file) out += where.file;
  if (where.line !== undefined) out += `:${where.line}`;
  if (out) out += ': ';
  if (where.field) out += `field '${where.field}': `;
  return out;
}
