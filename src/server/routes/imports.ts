// Imports: what was imported, when, with rejected lines and skipped sections; and uploading a file
// (staff): it is written to a private temp folder and imported there, exactly as the CLI would.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BotcensusError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { importIntelFile } from '../../intel/import.js';
import type { IntelFormat } from '../../intel/parse.js';
import type { ImportRow } from '../../store/store.js';
import { runIdentification } from '../../identify/run.js';
import { ingestFile } from '../../telemetry/ingest.js';
import { STAFF, type ServerContext } from '../context.js';
import { sendCsv, type CsvColumn } from '../csv.js';
import { badRequest, notFound } from '../errors.js';
import { listProps, pageOf, querySchema, type ListQuery } from '../params.js';
import { warmUp } from '../queries.js';
import { IMPORT_SORTS, importById, importPage, type ImportSort } from '../access/pages-sql.js';

const INTEL_FORMATS: IntelFormat[] = ['auto', 'text', 'csv', 'stix', 'misp', 'zeek-intel', 'warninglist'];

const CSV: CsvColumn<ImportRow>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'imported_at', value: (r) => r.importedAt },
  { header: 'kind', value: (r) => r.kind },
  { header: 'format', value: (r) => r.format },
  { header: 'file', value: (r) => r.file },
  { header: 'source', value: (r) => r.source },
  { header: 'sensor', value: (r) => r.sensor },
  { header: 'lines', value: (r) => r.lines },
  { header: 'records', value: (r) => r.records },
  { header: 'rejected', value: (r) => r.rejected },
  { header: 'duplicates', value: (r) => r.duplicates },
  { header: 'prefiltered', value: (r) => r.prefiltered },
  { header: 'first_event', value: (r) => r.minTs },
  { header: 'last_event', value: (r) => r.maxTs },
];

/** A file name safe to create in our temp folder: the last path part, odd characters replaced. */
export function safeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return base.slice(-120) || 'upload';
}

interface Upload {
  fields: Record<string, string>;
  path: string;
  name: string;
  dir: string;
}

async function receive(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) throw badRequest('send the file as multipart/form-data with a "file" part');
  const fields: Record<string, string> = {};
  let up: Upload | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') fields[part.fieldname] = String(part.value);
      else {
        if (up) throw badRequest('one file per upload');
        const dir = await mkdtemp(join(tmpdir(), 'botcensus-upload-'));
        const name = safeFileName(part.filename);
        // The client's name is recorded and shown, never used as a path; recorded printable (core/printable.ts).
        up = { fields, path: join(dir, name), name: part.filename ? printable(part.filename, 255) : name, dir };
        await pipeline(part.file, createWriteStream(up.path, { mode: 0o600 }));
      }
    }
  } catch (err) {
    if (up) await rm(up.dir, { recursive: true, force: true });
    throw err;
  }
  if (!up) throw badRequest('no file in the upload');
  return up;
}

/** Import errors name our temp copy: name the file as the user did instead. */
function asUploaded(err: unknown, up: Upload): unknown {
  if (!(err instanceof BotcensusError) || err.where.file !== up.path) return err;
  return new BotcensusError(err.code, err.message.split(up.path).join(up.name), { ...err.where, file: up.name }, { cause: err });
}

async function runImport(ctx: ServerContext, up: Upload) {
  const f = up.fields;
  const match = { graceMs: ctx.graceMs };
  const strict = f.strict === 'true';
  const tz = f.tz || undefined;
  if (f.kind === 'telemetry') {
    const r = await ingestFile(ctx.store, up.path, { name: up.name, format: f.format || 'auto', sensor: f.sensor || undefined, strict, tz, match });
    // Scan data and passive banners identify devices, as `botcensus ingest` does after its files.
    if (r.status === 'imported' && r.services) await runIdentification(ctx.store);
    return r;
  }
  if (f.kind === 'intel') {
    const format = (f.format || 'auto') as IntelFormat;
    if (!INTEL_FORMATS.includes(format)) throw badRequest(`intel format must be one of ${INTEL_FORMATS.join(', ')}`);
    return importIntelFile(ctx.store, up.path, { name: up.name, format, source: f.source || undefined, family: f.family || undefined, strict, tz, match });
  }
  throw badRequest('field "kind" must be intel or telemetry');
}

export function importRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: ListQuery<ImportSort> & { kind?: string } }>(
    '/api/imports',
    {
      config: { allow: STAFF },
      schema: {
        summary: 'Imported files: when, format, records and rejected lines',
        tags: ['imports'],
        querystring: querySchema({ ...listProps(IMPORT_SORTS, 'id'), kind: { type: 'string', enum: ['intel', 'warninglist', 'telemetry'] } }),
      },
    },
    async (req, reply) => {
      const page = await ctx.cached(req, 'imports', req.query, (s) => importPage(s.driver, { ...pageOf(req.query), kind: req.query.kind }));
      if (req.query.format === 'csv') return sendCsv(reply, 'imports', page.rows, CSV);
      return page;
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/imports/:id',
    {
      config: { allow: STAFF },
      schema: {
        summary: 'One import with its rejected lines (line, field, reason) and skipped sections',
        tags: ['imports'],
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
      },
    },
    async (req) => {
      const r = await ctx.read((s) => importById(s.driver, req.params.id));
      if (!r) throw notFound('import');
      return r;
    },
  );

  app.post(
    '/api/imports',
    {
      config: { allow: STAFF },
      schema: {
        summary: 'Upload and import one file',
        description:
          'multipart/form-data: `file`, `kind` (intel | telemetry), optional `format` (default auto), `source` and `family` (intel), ' +
          '`sensor` (telemetry), `strict` (true: fail on any rejected line), `tz` (offset for times without a zone). Fields before the file.',
        tags: ['imports'],
        consumes: ['multipart/form-data'],
      },
    },
    async (req) => {
      const up = await receive(req);
      try {
        // The import takes the writes' turn; questions go on meanwhile where the store has a read connection.
        const r = await ctx.writeGate.run(() => runImport(ctx, up).catch((err) => Promise.reject(asUploaded(err, up))));
        ctx.dataChanged();
        if (ctx.opts.warm) void warmUp(ctx).catch(() => undefined);
        return { ...r, file: up.name };
      } finally {
        await rm(up.dir, { recursive: true, force: true });
      }
    },
  );
}
