// Vendor and product name normalisation for KEV matching: "TP-LINK", "TP-Link Technologies Co., Ltd."
// and "tp-link" are one vendor; "TL-WR841N" is found in "TL-WR940N V2/V4, TL-WR841N V8/V10".
import type { DeviceType } from './device-type.js';

/** Company-form and generic words dropped from vendor names. */
const VENDOR_SUFFIXES = new Set([
  'inc', 'incorporated', 'co', 'corp', 'corporation', 'company', 'ltd', 'limited', 'llc', 'gmbh', 'ag', 'sa', 'bv', 'plc', 'kk',
  'systems', 'system', 'technologies', 'technology', 'networks', 'networking', 'communications', 'communication', 'wireless',
  'electronics', 'computer', 'digital', 'international', 'group', 'holdings', 'the',
]);

/** Canonical vendor key → other spellings (already lower-case, no spaces or punctuation). */
const VENDOR_ALIASES: Record<string, string[]> = {
  tplink: ['tplinktechnologies'],
  dlink: ['dlinksystems'],
  asus: ['asustek', 'asustekcomputer'],
  hikvision: ['hangzhouhikvision', 'hikvisiondigitaltechnology', 'hangzhouhikvisiondigitaltechnology'],
  dahua: ['zhejiangdahua', 'dahuatechnology', 'zhejiangdahuatechnology'],
  tvt: ['shenzhentvt', 'tvtdigital', 'shenzhentvtdigitaltechnology'],
  tenda: ['shenzhentenda'],
  ruijie: ['ruijienetworks'],
  totolink: ['zioncom'],
  allegro: ['allegrosoft', 'allegrosoftware'],
  dropbear: ['dropbearsshproject', 'dropbearssh'],
  netgear: [],
  zyxel: [],
  mikrotik: [],
  draytek: [],
  qnap: [],
  synology: [],
  axis: ['axiscommunicationsab'],
  nuuo: [],
};

const ALIAS_OF = new Map<string, string>();
for (const [canon, others] of Object.entries(VENDOR_ALIASES)) for (const o of [canon, ...others]) ALIAS_OF.set(o, canon);

/** One vendor's comparison key: "TP-Link Technologies Co., Ltd." → "tplink". */
export function vendorKey(name: string): string {
  const words = name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  while (words.length > 1 && VENDOR_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  const joined = words.join('');
  return ALIAS_OF.get(joined) ?? ALIAS_OF.get(words.filter((w) => !VENDOR_SUFFIXES.has(w)).join('')) ?? joined;
}

/** A KEV vendorProject may name several vendors: "D-Link and TRENDnet". */
export function vendorKeys(vendorProject: string): string[] {
  return vendorProject.split(/\s+and\s+|\s*[/&|]\s*/i).map(vendorKey).filter(Boolean);
}

/** Compact spelling of a name for equality: "Archer AX-21" → "archerax21". */
export function compact(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Model keys of a text: every token and pair of adjacent tokens, compacted, that holds a digit and
 * is at least 4 characters ("TL-WR841N V8/V10" → tlwr841n, tlwr841nv8, …; "Archer AX-21" → archerax21).
 */
export function modelKeys(text: string): Set<string> {
  const tokens = text.toLowerCase().split(/[\s,;/()]+/).map((t) => t.replace(/[^a-z0-9]+/g, '')).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    for (const k of [tokens[i]!, tokens[i]! + (tokens[i + 1] ?? '')]) if (k.length >= 4 && /\d/.test(k)) out.add(k);
  }
  return out;
}

const GENERIC_WORDS = new Set([
  'multiple', 'devices', 'device', 'products', 'product', 'firmware', 'series', 'and', 'the', 'web', 'server', 'security',
  'management', 'interface', 'various', 'other', 'some', 'certain', 'model', 'models', 'hardware', 'software', 'unit', 'units',
]);

/** True when a KEV product names no product at all ("Multiple Products", "Multiple Devices"). */
export function kevGeneric(product: string): boolean {
  return product.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).every((w) => GENERIC_WORDS.has(w));
}

const CATEGORY_WORDS: [RegExp, DeviceType[]][] = [
  [/\b(?:routers?|gateways?|cpe)\b/, ['router', 'modem']],
  [/\bfirewalls?\b/, ['firewall']],
  [/\b(?:ip )?cameras?\b/, ['ip-camera']],
  [/\b(?:nvrs?|network video recorders?)\b/, ['nvr', 'dvr']],
  [/\bdvrs?\b/, ['dvr', 'nvr']],
  [/\b(?:nas|network[- ]attached storage|storage)\b/, ['nas']],
  [/\b(?:access points?|waps?)\b/, ['access-point']],
  [/\b(?:dsl|modems?)\b/, ['modem', 'router']],
];

/**
 * When a KEV product names only a device category ("Multiple Routers", "IP Camera Firmware",
 * "Multiple Network-Attached Storage (NAS) Devices"), the device types it covers; else undefined.
 */
export function kevCategory(product: string): DeviceType[] | undefined {
  const p = product.toLowerCase();
  const types = CATEGORY_WORDS.filter(([re]) => re.test(p)).flatMap(([, t]) => t);
  if (types.length === 0) return undefined;
  const leftover = p
    .replace(/\((?:nas|nvr|dvr)\)/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !GENERIC_WORDS.has(w) && !CATEGORY_WORDS.some(([re]) => re.test(w)) && !/^(?:ip|network|attached|video|recorders?|access|points?|wireless|cpe|dsl)$/.test(w));
  return leftover.length === 0 ? [...new Set(types)] : undefined;
}
