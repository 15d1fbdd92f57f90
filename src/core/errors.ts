// Domain errors: a code, a message, and where in the input the problem is. Only the CLI and the
// HTTP layer turn these into exit codes or responses. Messages quote input, so they are made safe
// to print when the error is made (printable.ts): every place that shows one shows it safely.
import { printable } from './printable.js';

export type ErrorCode =
  | 'BAD_INPUT' // a field, line or file that cannot be read as its format says
  | 'UNKNOWN_FORMAT' // no reader recognises the file
  | 'UNREADABLE' // the file cannot be opened or decompressed
  | 'NOTHING_IMPORTED' // every line of a file was rejected
  | 'STRICT' // --strict and at least one line was rejected
  | 'USAGE' // a command-line value is wrong
  | 'STORE' // the database refused something
  | 'IMPORTED_MEANWHILE' // another import of the same file finished first (a race the stage reports as a re-import)
  | 'UNSUPPORTED'; // the store's engine cannot answer this (yet)

export interface Where {
  /** File the problem is in, as the user named it. */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
  /** Column or key name, as the file spells it. */
  field?: string;
}

/** Longest message kept whole: values quoted in it are cut well before this. */
const MESSAGE_MAX = 1000;

export class BotcensusError extends Error {
  readonly where: Where;

  constructor(
    readonly code: ErrorCode,
    message: string,
    where: Where = {},
    options?: { cause?: unknown },
  ) {
    super(printable(message, MESSAGE_MAX), options);
    this.name = 'BotcensusError';
    this.where = safeWhere(where);
  }

  /** "file:line: field 'x': message", leaving out what is not known. */
  override toString(): string {
    return formatWhere(this.where) + this.message;
  }
}

/** Thrown by a parser for one bad line; the reader base catches it and rejects only that line. */
export class FieldError extends Error {
  readonly field: string | undefined;

  constructor(field: string | undefined, message: string) {
    super(printable(message, MESSAGE_MAX));
    this.name = 'FieldError';
    this.field = field === undefined ? undefined : printable(field);
  }
}

/** `where` with its file and field names safe to print. */
export function safeWhere(where: Where): Where {
  const out: Where = { ...where };
  if (where.file !== undefined) out.file = printable(where.file, 500);
  if (where.field !== undefined) out.field = printable(where.field);
  return out;
}

export function formatWhere(where: Where): string {
  let out = '';
  where = safeWhere(where);
  if (where.file) out += where.file;
  if (where.line !== undefined) out += `:${where.line}`;
  if (out) out += ': ';
  if (where.field) out += `field '${where.field}': `;
  return out;
}
