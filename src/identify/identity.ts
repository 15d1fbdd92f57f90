// Stable device identities that survive IP churn: SSH host keys, TLS certificate fingerprints and
// device ids (serials, MACs, Shadowserver device ids) seen in observations. Keys seen together on one
// address are one device, and every address a device's keys appear on collapses into that device.
//
// The shared-default rule: a key that several addresses present at the same time is not one device.
// One device holds few addresses at a time (IPv4 plus IPv6, maybe a second uplink), while a vendor
// default certificate or a host key baked into a firmware image shows up on many at once. So a key
// seen on at least `sharedMinIps` (default 3) distinct addresses within one `simultaneityWindowMs`
// (default 1 hour) is a shared default: reported in `shared`, never used to merge. The same key moving
// from address to address over time (one at a time) is churn, and does merge.
import type { ServiceObservation } from '../core/model/service.js';
import type { IdentityKind, SharedKey } from '../core/model/identify.js';

export type { IdentityKind, SharedKey };

export interface IdentityOptions {
  simultaneityWindowMs?: number;
  sharedMinIps?: number;
  /** Two keys seen on one address within this window belong to one device (default 1 hour). */
  linkWindowMs?: number;
}

export interface DeviceGroup {
  /** The device's first key in sorted order, e.g. "ssh:ab12…". */
  id: string;
  keys: string[];
  ips: bigint[];
  firstSeen: number;
  lastSeen: number;
  observations: number;
}

export interface MergeResult {
  devices: DeviceGroup[];
  shared: SharedKey[];
  /** Addresses folded into another address's device: Σ (addresses of a device − 1). */
  addressesCollapsed: number;
  /** Distinct addresses that carried at least one usable (not shared) key. */
  addressesWithIdentity: number;
  addressesWithoutIdentity: number;
}

const KIND_OF: Record<string, IdentityKind> = { ssh: 'ssh-host-key', cert: 'tls-cert', id: 'device-id' };

/** The identity keys of one observation: "ssh:<sha256>", "cert:<sha256>", "id:<device id>". */
export function identityKeys(o: ServiceObservation): string[] {
  const keys: string[] = [];
  if (o.sshHostKeySha256) keys.push('ssh:' + o.sshHostKeySha256.toLowerCase());
  if (o.certSha256) keys.push('cert:' + o.certSha256.toLowerCase());
  if (o.deviceIdHint && o.deviceIdHint.trim() !== '') keys.push('id:' + o.deviceIdHint.trim().toLowerCase());
  return keys;
}

interface Sighting {
  ip: bigint;
  ts: number;
  keys: string[];
}

/** Most distinct addresses presenting one key within any window of `windowMs`. */
function maxSimultaneous(sightings: { ip: bigint; ts: number }[], windowMs: number): number {
  const s = [...sightings].sort((a, b) => a.ts - b.ts);
  const inWindow = new Map<bigint, number>();
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    inWindow.set(s[hi]!.ip, (inWindow.get(s[hi]!.ip) ?? 0) + 1);
    while (s[hi]!.ts - s[lo]!.ts > windowMs) {
      const n = inWindow.get(s[lo]!.ip)! - 1;
      if (n === 0) inWindow.delete(s[lo]!.ip);
      else inWindow.set(s[lo]!.ip, n);
      lo++;
    }
    best = Math.max(best, inWindow.size);
  }
  return best;
}

export function mergeIdentities(observations: ServiceObservation[], opts: IdentityOptions = {}): MergeResult {
  const window = opts.simultaneityWindowMs ?? 3_600_000;
  const minIps = opts.sharedMinIps ?? 3;
  const linkWindow = opts.linkWindowMs ?? 3_600_000;
  const sightings: Sighting[] = observations.map((o) => ({ ip: o.ip, ts: o.ts, keys: identityKeys(o) }));
  const allIps = new Set(observations.map((o) => o.ip));

  const byKey = new Map<string, { ip: bigint; ts: number }[]>();
  for (const s of sightings) {
    for (const k of s.keys) {
      const list = byKey.get(k) ?? [];
      list.push({ ip: s.ip, ts: s.ts });
      byKey.set(k, list);
    }
  }
  const shared: SharedKey[] = [];
  for (const [key, list] of byKey) {
    const simultaneous = maxSimultaneous(list, window);
    if (simultaneous >= minIps) {
      shared.push({ key, kind: KIND_OF[key.slice(0, key.indexOf(':'))]!, ips: new Set(list.map((x) => x.ip)).size, maxSimultaneousIps: simultaneous });
    }
  }
  const sharedSet = new Set(shared.map((s) => s.key));

  // Union-find over usable keys: keys of one observation, and keys seen on one address close in time.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const usable = sightings.map((s) => ({ ...s, keys: s.keys.filter((k) => !sharedSet.has(k)) })).filter((s) => s.keys.length);
  for (const s of usable) for (const k of s.keys) if (!parent.has(k)) parent.set(k, k);
  const byIp = new Map<bigint, Sighting[]>();
  for (const s of usable) {
    const list = byIp.get(s.ip) ?? [];
    list.push(s);
    byIp.set(s.ip, list);
  }
  for (const list of byIp.values()) {
    list.sort((a, b) => a.ts - b.ts);
    list.forEach((s, i) => {
      for (const k of s.keys.slice(1)) union(s.keys[0]!, k);
      const prev = list[i - 1];
      if (prev && s.ts - prev.ts <= linkWindow) union(prev.keys[0]!, s.keys[0]!);
    });
  }

  const groups = new Map<string, { keys: Set<string>; ips: Set<bigint>; first: number; last: number; n: number }>();
  for (const s of usable) {
    const root = find(s.keys[0]!);
    const g = groups.get(root) ?? { keys: new Set(), ips: new Set(), first: s.ts, last: s.ts, n: 0 };
    for (const k of s.keys) g.keys.add(k);
    g.ips.add(s.ip);
    g.first = Math.min(g.first, s.ts);
    g.last = Math.max(g.last, s.ts);
    g.n++;
    groups.set(root, g);
  }
  const devices: DeviceGroup[] = [...groups.values()].map((g) => {
    const keys = [...g.keys].sort();
    return { id: keys[0]!, keys, ips: [...g.ips].sort((a, b) => (a < b ? -1 : 1)), firstSeen: g.first, lastSeen: g.last, observations: g.n };
  });
  devices.sort((a, b) => b.ips.length - a.ips.length || a.id.localeCompare(b.id));
  const withIdentity = new Set(usable.map((s) => s.ip));
  return {
    devices,
    shared: shared.sort((a, b) => b.maxSimultaneousIps - a.maxSimultaneousIps || a.key.localeCompare(b.key)),
    addressesCollapsed: devices.reduce((n, d) => n + d.ips.length - 1, 0),
    addressesWithIdentity: withIdentity.size,
    addressesWithoutIdentity: allIps.size - withIdentity.size,
  };
}
