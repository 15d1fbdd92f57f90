// Bot-id extractors: where a bot writes its own identifier in a check-in, so that one device is
// counted once however often its address changes. Each is "WHERE:WHAT":
//   query:NAME      the value of query parameter NAME          (query:uid)
//   header:NAME     the value of HTTP header NAME              (header:x-bot-id)
//   path:REGEX      the first group of REGEX on the URL path   (path:^/gate/([0-9a-f]{16}))
//   payload:REGEX   the first group on a raw TCP client's first bytes (latin1)
//   qname:REGEX     the first group on the DNS question name   (qname:^([0-9a-f]{12})\.)
// The first extractor that finds a value gives the bot id (cut to 128 characters).
import { BotcensusError } from '../core/errors.js';

export interface ExtractInput {
  path?: string;
  /** The raw query string, without "?". */
  query?: string;
  headers?: Record<string, string | string[] | undefined>;
  payload?: Buffer;
  qname?: string;
}

export type Extractor = (x: ExtractInput) => string | undefined;

const MAX_ID = 128;

export function compileExtractor(spec: string): Extractor {
  const colon = spec.indexOf(':');
  const where = colon < 0 ? spec : spec.slice(0, colon);
  const what = colon < 0 ? '' : spec.slice(colon + 1);
  if (!what) throw new BotcensusError('USAGE', `--bot-id ${JSON.stringify(spec)}: write WHERE:WHAT, e.g. query:uid or path:^/gate/(\\w+)`);
  switch (where) {
    case 'query':
      return (x) => (x.query ? (new URLSearchParams(x.query).get(what) ?? undefined) : undefined);
    case 'header': {
      const name = what.toLowerCase();
      return (x) => {
        const v = x.headers?.[name];
        return Array.isArray(v) ? v[0] : v;
      };
    }
    case 'path':
    case 'payload':
    case 'qname': {
      let re: RegExp;
      try {
        re = new RegExp(what);
      } catch (err) {
        throw new BotcensusError('USAGE', `--bot-id ${JSON.stringify(spec)}: ${(err as Error).message}`);
      }
      const pick = (s: string | undefined) => {
        if (s === undefined) return undefined;
        const m = re.exec(s);
        return m ? (m[1] ?? m[0]) : undefined;
      };
      if (where === 'path') return (x) => pick(x.path);
      if (where === 'qname') return (x) => pick(x.qname);
      return (x) => pick(x.payload?.toString('latin1'));
    }
    default:
      throw new BotcensusError('USAGE', `--bot-id ${JSON.stringify(spec)}: WHERE is one of query, header, path, payload, qname`);
  }
}

/** All extractors in order: the first value found, or undefined. */
export function compileExtractors(specs: string[]): Extractor {
  const list = specs.map(compileExtractor);
  if (!list.length) return () => undefined;
  return (x) => {
    for (const e of list) {
      const v = e(x);
      if (v) return v.slice(0, MAX_ID);
    }
    return undefined;
  };
}
