// Loads Recog fingerprint XML (<fingerprints matches= protocol= …><fingerprint pattern= flags=>…) into
// FingerprintFiles, translating every pattern once; a pattern JS cannot express stays in the file,
// marked unsupported with the reason, so file order (first match wins) is kept.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BotcensusError } from '../../core/errors.js';
import type { Fingerprint, FingerprintExample, FingerprintFile, FingerprintParam } from './fingerprint.js';
import { translateRubyRegex } from './regex-translate.js';

/** Databases whose key is not a `matches` attribute, renamed to the key the scan readers produce. */
const KEY_ALIASES: Record<string, string> = { telnet_banners: 'telnet.banner' };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  alwaysCreateTextNode: true,
  ignoreDeclaration: true,
  isArray: (name) => name === 'fingerprint' || name === 'example' || name === 'param',
});

type Node = Record<string, unknown>;

function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && typeof (node as Node)['#text'] === 'string') return (node as Node)['#text'] as string;
  return '';
}

function attr(node: Node, name: string): string | undefined {
  const v = node[name];
  return typeof v === 'string' ? v : undefined;
}

function parseExample(node: Node): FingerprintExample {
  const expect: Record<string, string> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '#text' || k === '_encoding' || k === '_filename' || typeof v !== 'string') continue;
    expect[k] = v;
  }
  const base64 = attr(node, '_encoding') === 'base64';
  const raw = text(node);
  // Recog decodes base64 examples to bytes; one character per byte keeps Ruby's byte semantics.
  const decoded = base64 ? Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('latin1') : raw;
  return { text: decoded, expect, base64 };
}

function parseFingerprint(node: Node, index: number): Fingerprint {
  const pattern = attr(node, 'pattern') ?? '';
  const flags = (attr(node, 'flags') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const certaintyText = attr(node, 'certainty');
  const params: FingerprintParam[] = ((node['param'] as Node[] | undefined) ?? []).map((p) => ({
    name: attr(p, 'name') ?? '',
    pos: Number.parseInt(attr(p, 'pos') ?? '0', 10) || 0,
    value: attr(p, 'value') ?? '',
  }));
  return {
    description: text(node['description']).replace(/\s+/g, ' ').trim(),
    pattern,
    flags,
    certainty: certaintyText !== undefined && Number.isFinite(Number(certaintyText)) ? Number(certaintyText) : undefined,
    params,
    examples: ((node['example'] as Node[] | undefined) ?? []).map(parseExample),
    regex: pattern === '' ? { ok: false, reason: 'empty pattern' } : translateRubyRegex(pattern, flags),
    index,
  };
}

/** Parses one fingerprint XML document; `file` names it in errors and in the result. */
export function parseRecogXml(xml: string, file: string): FingerprintFile {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new BotcensusError('BAD_INPUT', `invalid XML: ${valid.err.msg}`, { file, line: valid.err.line });
  const doc = parser.parse(xml) as Node;
  const root = doc['fingerprints'] as Node | undefined;
  if (!root || typeof root !== 'object') throw new BotcensusError('BAD_INPUT', 'no <fingerprints> root element', { file });
  const key = attr(root, 'matches') ?? basename(file).replace(/\.xml$/i, '');
  const pref = attr(root, 'preference');
  return {
    file,
    key: KEY_ALIASES[key] ?? key,
    // Recog's DB defaults the protocol to '' and every match then carries service.protocol.
    protocol: (attr(root, 'protocol') ?? '').toLowerCase(),
    databaseType: attr(root, 'database_type'),
    preference: pref !== undefined && Number.isFinite(Number(pref)) ? Number(pref) : undefined,
    fingerprints: ((root['fingerprint'] as Node[] | undefined) ?? []).map(parseFingerprint),
  };
}

export function loadRecogFile(path: string): FingerprintFile {
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  return parseRecogXml(xml, path);
}

/** Every *.xml in a folder, in file-name order. */
export function loadRecogDir(dir: string): FingerprintFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.xml')).sort();
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot list: ${(err as Error).message}`, { file: dir }, { cause: err });
  }
  return names.map((n) => loadRecogFile(join(dir, n)));
}
