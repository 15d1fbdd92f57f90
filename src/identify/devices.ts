// From stored services to devices: stable identities merged across addresses (identity.ts), every
// service attached to the device that held its address at the time, each device identified from
// all of its services (identify.ts), and the addresses each device held, with when.
import { formatIp } from '../core/ip.js';
import type { DeviceRecord, StoredService } from './store-types.js';
import { identifyDevice, identifyService, type ServiceIdentity } from './identify.js';
import { identityKeys, mergeIdentities, type IdentityOptions, type MergeResult } from './identity.js';
import { RecogDb } from './recog/db.js';
import type { FingerprintMatch } from './recog/fingerprint.js';
import type { ServiceObservation } from '../core/model/service.js';

export interface BuildOptions extends IdentityOptions {
  /**
   * A service without a key of its own (an HTTP banner) belongs to the keyed device seen on its
   * address within this time (default 1 day); otherwise to the address itself ("ip:…").
   */
  attachWindowMs?: number;
}

export interface BuildResult {
  devices: DeviceRecord[];
  merge: MergeResult;
}

/** Time between two intervals, 0 when they overlap. */
function gap(aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  return Math.max(0, bFrom - aTo, aFrom - bTo);
}

interface Slot {
  services: StoredService[];
  /** Per address: first and last time the device was seen there. */
  spans: Map<bigint, [number, number]>;
}

function add(slot: Slot, s: StoredService): void {
  slot.services.push(s);
  const span = slot.spans.get(s.ip);
  if (span) {
    span[0] = Math.min(span[0], s.ts);
    span[1] = Math.max(span[1], s.lastTs);
  } else slot.spans.set(s.ip, [s.ts, s.lastTs]);
}

export function buildDevices(services: StoredService[], db: RecogDb, opts: BuildOptions = {}): BuildResult {
  const attach = opts.attachWindowMs ?? 86_400_000;
  // A folded passive row was seen over [ts, lastTs]: both ends count for the shared-key rule.
  const observations: ServiceObservation[] = [];
  for (const s of services) {
    observations.push(s);
    if (s.lastTs !== s.ts) observations.push({ ...s, ts: s.lastTs });
  }
  const merge = mergeIdentities(observations, opts);
  const deviceOfKey = new Map<string, string>();
  for (const d of merge.devices) for (const k of d.keys) deviceOfKey.set(k, d.id);

  const slots = new Map<string, Slot>();
  const slot = (id: string) => {
    let x = slots.get(id);
    if (!x) slots.set(id, (x = { services: [], spans: new Map() }));
    return x;
  };
  const keyless: StoredService[] = [];
  // Keyed services on each address, for attaching the keyless ones.
  const keyedOn = new Map<bigint, { device: string; from: number; to: number }[]>();
  for (const s of services) {
    const device = identityKeys(s).map((k) => deviceOfKey.get(k)).find((d) => d !== undefined);
    if (!device) {
      keyless.push(s);
      continue;
    }
    add(slot(device), s);
    const list = keyedOn.get(s.ip) ?? [];
    list.push({ device, from: s.ts, to: s.lastTs });
    keyedOn.set(s.ip, list);
  }
  for (const s of keyless) {
    let best: { device: string; gap: number } | undefined;
    for (const k of keyedOn.get(s.ip) ?? []) {
      const g = gap(s.ts, s.lastTs, k.from, k.to);
      if (g <= attach && (!best || g < best.gap)) best = { device: k.device, gap: g };
    }
    add(slot(best?.device ?? 'ip:' + formatIp(s.ip)), s);
  }

  const cached = new CachingRecogDb(db.files);
  const keysOf = new Map(merge.devices.map((d) => [d.id, d.keys]));
  const devices: DeviceRecord[] = [];
  for (const [device, x] of slots) {
    x.services.sort((a, b) => a.ts - b.ts || a.importId - b.importId || a.line - b.line);
    const identified: ServiceIdentity[] = x.services.map((s) => {
      const si = identifyService(s, cached);
      // Each piece of evidence says which file and line it came from.
      for (const e of si.evidence) Object.assign(e, { file: s.file, line: s.line });
      return si;
    });
    const identity = identifyDevice(identified);
    const spans = [...x.spans].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    identity.firstSeen = Math.min(...spans.map(([, s]) => s[0]));
    identity.lastSeen = Math.max(...spans.map(([, s]) => s[1]));
    devices.push({
      device,
      stable: !device.startsWith('ip:'),
      keys: keysOf.get(device) ?? [],
      identity,
      addresses: spans.map(([ip, [firstSeen, lastSeen]]) => ({ ip, firstSeen, lastSeen })),
    });
  }
  devices.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  return { devices, merge };
}

/** A RecogDb that remembers its answers: the same banner recurs on thousands of services. */
class CachingRecogDb extends RecogDb {
  private readonly cache = new Map<string, FingerprintMatch | undefined>();

  override matchFirst(key: string, text: string): FingerprintMatch | undefined {
    const k = key + '\0' + text;
    if (this.cache.has(k)) return this.cache.get(k);
    if (this.cache.size >= 200_000) this.cache.clear();
    const m = super.matchFirst(key, text);
    this.cache.set(k, m);
    return m;
  }
}
