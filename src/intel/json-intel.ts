// STIX bundles, MISP events and warninglists read from a file as a stream (core/json-stream.ts):
// a STIX bundle one object at a time, MISP one event at a time, so a file of any size is read in
// the memory its largest object needs. A warninglist is read whole (within BOTCENSUS_MAX_JSON_BYTES).
import { BotcensusError } from '../core/errors.js';
import { streamJsonItems, type ItemRule, type JsonItem } from '../core/json-stream.js';
import type { IntelParseResult } from '../core/model/indicator.js';
import { findEvents, MispEventReader, notMisp } from './misp.js';
import { StixObjectReader } from './stix.js';
import { parseWarninglist } from './warninglist.js';

export type JsonIntelFormat = 'stix' | 'misp' | 'warninglist';

type Json = Record<string, unknown>;

/**
 * The items: each element of a root array (events, or their {"Event": …} wrappers), each of a
 * bundle's "objects", each element of a MISP REST "response" (or the response whole when it is one
 * object), and the value of a root "Event".
 */
const INTEL_ITEMS: ItemRule = (key, opens) => {
  if (key === undefined) return 'elements';
  if (key === 'objects' && opens === 'array') return 'elements';
  if (key === 'response') return opens === 'array' ? 'elements' : 'value';
  if (key === 'Event') return 'value';
  return undefined;
};

/**
 * Where the indicators of a file too large to hold go as they are read: `write` is given them
 * (with the lines rejected meanwhile) once `batch` objects or events are read, and reading waits for it.
 * What is returned then holds the rest and the skipped sections.
 */
export interface JsonIntelBatches {
  write(read: Pick<IntelParseResult, 'indicators' | 'rejected'>): Promise<void>;
  batch: number;
}

/** Reads a JSON intel file of `format`, or of the format its first item or its keys show. */
export async function readJsonIntel(path: string, format: JsonIntelFormat | 'auto', batches?: JsonIntelBatches): Promise<IntelParseResult & { format: JsonIntelFormat }> {
  let sink: Sink | undefined = format === 'auto' ? undefined : makeSink(format);
  let pending = 0;
  const afterRead = batches && (async () => {
    if (!sink?.take || pending < batches.batch) return;
    pending = 0;
    await batches.write(sink.take());
  });
  const { envelope } = await streamJsonItems(path, INTEL_ITEMS, (item) => {
    sink ??= makeSink(formatOfItem(item, path));
    sink.item(item);
    pending++;
  }, afterRead);
  sink ??= makeSink(jsonKind(envelope) ?? unknownFormat(path));
  return { ...sink.finish(envelope), format: sink.format };
}

/** The format a document shows by its keys (for an array, by its first element's). */
export function jsonKind(json: unknown): JsonIntelFormat | undefined {
  const o = (Array.isArray(json) ? json[0] : json) as Json | undefined;
  if (!o || typeof o !== 'object') return undefined;
  if (o.type === 'bundle' || Array.isArray(o.objects)) return 'stix';
  if ('Event' in o || 'response' in o || 'Attribute' in o) return 'misp';
  if (typeof o.name === 'string' && Array.isArray(o.list)) return 'warninglist';
  return undefined;
}

function formatOfItem(item: JsonItem, path: string): JsonIntelFormat {
  if (item.under === 'objects') return 'stix';
  if (item.under !== '') return 'misp';
  return jsonKind(item.value) ?? unknownFormat(path);
}

function unknownFormat(path: string): never {
  throw new BotcensusError('UNKNOWN_FORMAT', 'JSON that is neither a STIX bundle, a MISP event nor a MISP warninglist', { file: path });
}

interface Sink {
  format: JsonIntelFormat;
  item(item: JsonItem): void;
  /** The indicators and rejected lines read so far, taken out of what finish() returns. */
  take?(): Pick<IntelParseResult, 'indicators' | 'rejected'>;
  /** `envelope` is the document with its items left out. */
  finish(envelope: unknown): IntelParseResult;
}

function makeSink(format: JsonIntelFormat): Sink {
  if (format === 'stix') return stixSink();
  if (format === 'misp') return mispSink();
  // A warninglist has no items; anything an item rule took out of one makes it no warninglist.
  return { format, item: () => undefined, finish: (envelope) => parseWarninglist(envelope) };
}

function stixSink(): Sink {
  const reader = new StixObjectReader();
  return {
    format: 'stix',
    item: ({ under, value, index }) => {
      if (under === 'objects') reader.object(value, index);
    },
    take: () => reader.take(),
    finish: (envelope) => reader.finish(envelope),
  };
}

/** Events as parseMispJson finds them in the whole document, taken item by item. */
function mispSink(): Sink {
  const reader = new MispEventReader();
  let items = 0;
  let events = 0;
  let invalid = false;
  return {
    format: 'misp',
    item: ({ under, value }) => {
      if (under === 'objects') return;
      items++;
      const evs = findEvents(value);
      // The value of "Event" or an object "response" must hold events; an array's elements may not, as long as one does.
      if (!evs && under === 'Event') invalid = true;
      events += evs?.length ?? 0;
      if (evs) reader.events(evs);
    },
    take: () => reader.take(),
    finish: (envelope) => {
      if (items === 0) {
        const evs = findEvents(envelope);
        if (!evs) throw notMisp();
        reader.events(evs);
      } else if (invalid || events === 0) throw notMisp();
      return reader.finish();
    },
  };
}
