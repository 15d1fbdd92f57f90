// The Zeek line parser: one per file, reading TSV header blocks and data lines, or JSON lines,
// and handing each data line to the mapper of its log. Lines of other logs are framing.
import { FieldError } from '../../core/errors.js';
import { jsonLine } from '../../core/fields.js';
import type { LineParser, ReaderContext } from '../../core/reader.js';
import type { TelemetryRecord } from '../../core/model/telemetry.js';
import { jsonFields, jsonLogName } from './json.js';
import { asMapped, logFromFields, logFromFileName } from './log-type.js';
import { mapZeek } from './mappers.js';
import { TsvHeader } from './tsv-header.js';
import { splitRow, tsvFields } from './tsv-row.js';

export function createZeekParser(ctx: ReaderContext): LineParser {
  const header = new TsvHeader();
  const fileLog = logFromFileName(ctx.fileName);
  // The TSV block's log, worked out once per "#fields" (the header may change mid-file).
  let blockLog: string | undefined;
  let blockFields: string[] | undefined;

  function tsvLog(): string | undefined {
    if (blockFields !== header.fields) {
      blockFields = header.fields;
      blockLog = header.path ?? logFromFields((name) => header.index.has(name)) ?? fileLog;
    }
    return blockLog;
  }

  return {
    parse(line: string): TelemetryRecord | undefined {
      const first = line.trimStart()[0];
      if (first === '#') {
        header.read(line);
        blockFields = undefined;
        return undefined;
      }
      if (first === '{') {
        const obj = jsonLine(line);
        const fields = jsonFields(obj);
        const log = asMapped(jsonLogName(obj, fields, ctx.fileName));
        return log === undefined ? undefined : mapZeek(log, fields, ctx.tz);
      }
      if (header.fields.length === 0) throw new FieldError(undefined, 'data line before the #fields header');
      const log = asMapped(tsvLog());
      if (log === undefined) return undefined;
      return mapZeek(log, tsvFields(splitRow(line, header), header), ctx.tz);
    },
  };
}
