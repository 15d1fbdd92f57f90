// Matching an identified device against KEV entries: by normalised vendor, then product (CPE, model
// number, product name, or only the device category the entry names), then, where both the device
// version and an affected-version statement are known, by version. Each match says how it was made.
import { parseCpe23, unescapeFsValue } from './cpe.js';
import type { Identity } from './identify.js';
import type { KevEntry } from './kev.js';
import { compact, kevCategory, kevGeneric, modelKeys, vendorKey, vendorKeys } from './kev-names.js';
import { isAffected, versionRules, type VersionRule } from './kev-version.js';
import type { KevComponent as Component, KevMatch, KevMatchedOn } from '../core/model/kev.js';

export type { KevMatch, KevMatchedOn };

export interface KevMatchOptions {
  /** Keep entries whose stated versions exclude the device's version (level "version", affected false). */
  includeNotAffected?: boolean;
  /** Also report entries that name only the vendor ("D-Link", "Multiple Products"). */
  includeVendorOnly?: boolean;
}

const RANK: Record<KevMatchedOn, number> = { cpe: 4, model: 4, product: 3, 'device-type': 2, vendor: 1 };

function componentsOf(d: Identity): Component[] {
  const out: Component[] = [];
  if (d.vendor) out.push({ kind: 'device', vendor: d.vendor, product: d.product, version: d.version, type: d.deviceType });
  if (d.os?.product && (d.os.vendor ?? d.vendor)) out.push({ kind: 'os', vendor: (d.os.vendor ?? d.vendor)!, product: d.os.product, version: d.os.version });
  const seen = new Set<string>();
  for (const e of d.evidence) {
    const v = e.params['service.vendor'];
    const p = e.params['service.product'];
    if (!v || !p || seen.has(v + '\0' + p)) continue;
    seen.add(v + '\0' + p);
    out.push({ kind: 'service', vendor: v, product: p, version: e.params['service.version'] });
  }
  for (const c of d.cpe23) {
    const f = parseCpe23(c);
    const vendor = f && unescapeFsValue(f.vendor);
    if (!f || !vendor) continue;
    out.push({ kind: 'cpe', vendor, product: unescapeFsValue(f.product)?.replace(/_/g, ' '), version: unescapeFsValue(f.version) });
  }
  return out;
}

const versioned = (c: Component) => !!c.version && c.version !== '-' && c.version !== '*';

function productMatch(c: Component, e: KevEntry): KevMatchedOn | undefined {
  const kevText = `${e.product} ${e.vulnerabilityName} ${e.shortDescription}`;
  const p = c.product ? compact(c.product) : '';
  if (p) {
    const kp = compact(e.product);
    const nameMatch = p === kp || (p.length >= 4 && kp.includes(p)) || (kp.length >= 4 && p.includes(kp));
    const modelMatch = /\d/.test(p) && p.length >= 4 && modelKeys(kevText).has(p);
    if (modelMatch || nameMatch) return c.kind === 'cpe' ? 'cpe' : modelMatch ? 'model' : 'product';
  }
  if (c.type && kevCategory(e.product)?.includes(c.type)) return 'device-type';
  return undefined;
}

function mentions(context: string, name: string | undefined): boolean {
  const n = name ? compact(name) : '';
  return n.length >= 3 && compact(context).includes(n);
}

/** The statement that speaks of this product, or the only one; else the reason there is none. */
function pickRule(e: KevEntry, c: Component): VersionRule | string {
  const text = `${e.shortDescription} ${e.notes.replace(/https?:\/\/\S+/g, ' ')}`;
  const rules = versionRules(text);
  if (rules.length === 0) return 'the entry states no affected versions';
  const about = rules.filter((r) => mentions(r.context, c.product) || mentions(r.context, e.product));
  if (about.length) return about[0]!;
  if (rules.length === 1) return rules[0]!;
  return `${rules.length} version statements, none names ${c.product ?? e.product}`;
}

export function matchKev(device: Identity, entries: KevEntry[], opts: KevMatchOptions = {}): KevMatch[] {
  const components = componentsOf(device);
  const out: KevMatch[] = [];
  for (const e of entries) {
    const kevVendors = vendorKeys(e.vendorProject);
    let best: { c: Component; on: KevMatchedOn } | undefined;
    for (const c of components) {
      if (!kevVendors.includes(vendorKey(c.vendor))) continue;
      const on = productMatch(c, e) ?? (opts.includeVendorOnly && kevGeneric(e.product) ? 'vendor' : undefined);
      // At equal rank a component that states its version wins ("routeros:6.40.1" over "routeros:-").
      if (on && (!best || RANK[on] > RANK[best.on] || (RANK[on] === RANK[best.on] && !versioned(best.c) && versioned(c)))) best = { c, on };
    }
    if (!best) continue;
    const { c, on } = best;
    const evidence = [`${c.kind} vendor "${c.vendor}" is KEV vendor "${e.vendorProject}"`];
    if (on === 'device-type') evidence.push(`device type ${c.type} is covered by KEV product "${e.product}"`);
    else if (on !== 'vendor') evidence.push(`${c.kind} product "${c.product}" matches KEV ${on === 'model' ? 'text' : 'product'} "${e.product}" (${on})`);
    const match: KevMatch = { cveID: e.cveID, entry: e, level: 'product-level', matchedOn: on, component: c, evidence };
    const version = c.version && c.version !== '-' ? c.version : on === 'device-type' ? device.version : undefined;
    if (!version) match.versionNote = 'device version unknown';
    else {
      const rule = pickRule(e, c);
      if (typeof rule === 'string') match.versionNote = rule;
      else {
        const affected = isAffected(version, rule);
        match.level = 'version';
        match.versionCheck = { version, rule, affected };
        evidence.push(`version ${version} ${affected ? 'is' : 'is not'} within "${rule.statement.trim()}"`);
        if (!affected && !opts.includeNotAffected) continue;
      }
    }
    if (match.versionNote) evidence.push(`product-level: ${match.versionNote}`);
    out.push(match);
  }
  return out.sort((a, b) => RANK[b.matchedOn] - RANK[a.matchedOn] || a.cveID.localeCompare(b.cveID));
}

/**
 * matchKev for many devices: the entries are indexed by vendor key once, and each device is checked
 * only against the entries of its components' vendors (the vendor test comes first in matchKev, so
 * the result is the same as matchKev over every entry).
 */
export function kevMatcher(entries: KevEntry[], opts: KevMatchOptions = {}): (device: Identity) => KevMatch[] {
  const byVendor = new Map<string, KevEntry[]>();
  for (const e of entries) {
    for (const k of new Set(vendorKeys(e.vendorProject))) {
      const list = byVendor.get(k) ?? [];
      list.push(e);
      byVendor.set(k, list);
    }
  }
  return (device) => {
    const candidates = new Set<KevEntry>();
    for (const c of componentsOf(device)) for (const e of byVendor.get(vendorKey(c.vendor)) ?? []) candidates.add(e);
    return candidates.size ? matchKev(device, [...candidates], opts) : [];
  };
}
