// The only place errors become HTTP responses: domain errors (BotcensusError) by code, request
// validation and Fastify's own 4xx as they are, anything else as a bare 500 (details go to the log).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BotcensusError, formatWhere, safeWhere, type ErrorCode } from '../core/errors.js';
import { printable } from '../core/printable.js';

/** An HTTP answer decided by the server itself (401, 403, 404, ...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);

const STATUS_OF_CODE: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  USAGE: 400,
  UNKNOWN_FORMAT: 422,
  UNREADABLE: 422,
  NOTHING_IMPORTED: 422,
  IMPORTED_MEANWHILE: 409,
  STRICT: 422,
  STORE: 500,
  UNSUPPORTED: 501,
};

export interface ErrorBody {
  error: string;
  message: string;
  where?: { file?: string; line?: number; field?: string };
}

/** The answer to an error, its message safe to show (input it quotes escaped and cut, core/printable.ts). */
export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  const r = rawErrorResponse(err);
  return { status: r.status, body: { ...r.body, message: printable(r.body.message, 1500), ...(r.body.where && { where: safeWhere(r.body.where) }) } };
}

function rawErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.code, message: err.message } };
  if (err instanceof BotcensusError) {
    const status = STATUS_OF_CODE[err.code] ?? 500;
    // Store errors carry SQL and parameters: never sent to the client.
    if (status >= 500) return { status, body: { error: 'store_error', message: 'the store could not answer; see the server log' } };
    return { status, body: { error: err.code.toLowerCase(), message: formatWhere(err.where) + err.message, where: err.where } };
  }
  const fe = err as FastifyError;
  if (fe.validation) return { status: 400, body: { error: 'bad_request', message: fe.message } };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, body: { error: fe.code ? fe.code.toLowerCase() : 'bad_request', message: fe.message } };
  return { status: 500, body: { error: 'internal_error', message: 'internal error; see the server log' } };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorResponse(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).type('application/json; charset=utf-8').send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
}
