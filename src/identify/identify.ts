// Device identification: each banner of a service is matched against the fingerprint database
// (first match wins per banner); the matches of one service, or of all services of one host, are
// combined field by field, the most certain value winning and disagreeing values kept as conflicts.
import { basename } from 'node:path';
import { buildCpe23, cpeToCpe23 } from './cpe.js';
import { deviceTypeOf } from './device-type.js';
import type { RecogDb } from './recog/db.js';
import { RECOG_KEYS, type ServiceObservation } from '../core/model/service.js';
import type { DeviceIdentity, Evidence, FieldConflict, Identity, OsIdentity, ServiceIdentity } from '../core/model/identify.js';

export type { DeviceIdentity, Evidence, FieldConflict, Identity, OsIdentity, ServiceIdentity } from '../core/model/identify.js';

/** Certainty of a Recog match whose fingerprint states none. */
export const DEFAULT_MATCH_CERTAINTY = 0.85;
/** Certainty of what a scan source claims by itself (Shodan product, Censys software). */
export const SOURCE_HINT_CERTAINTY = 0.5;

/** OS vendors whose OS says nothing about the box it runs on. */
const GENERAL_OS_VENDORS = new Set(['microsoft', 'apple', 'canonical', 'ubuntu', 'centos', 'fedora', 'alpine', 'gentoo', 'slackware', 'mandriva', 'red hat', 'redhat', 'debian', 'linux', 'freebsd', 'openbsd', 'netbsd', 'oracle', 'suse', 'google', 'ibm', 'gnu']);

interface Candidate {
  field: string;
  value: string;
  certainty: number;
  evidence: number;
}

function num(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const norm = (v: string) => v.toLowerCase().replace(/[^a-z0-9]+/g, '');

function candidatesOf(e: Evidence, idx: number, out: Candidate[]): void {
  const p = e.params;
  const hwC = Math.min(e.certainty, num(p['hw.certainty']) ?? 1);
  const osC = Math.min(e.certainty, num(p['os.certainty']) ?? 1);
  const svcC = Math.min(e.certainty, num(p['service.certainty']) ?? 1);
  const add = (field: string, value: string | undefined, certainty: number) => {
    if (value !== undefined && value.trim() !== '' && !value.includes('{')) out.push({ field, value: value.trim(), certainty, evidence: idx });
  };
  add('vendor', p['hw.vendor'], hwC);
  const appliance = p['hw.device'] !== undefined || p['os.device'] !== undefined;
  if (p['os.vendor'] && (appliance || !GENERAL_OS_VENDORS.has(p['os.vendor'].toLowerCase()))) add('vendor', p['os.vendor'], osC * 0.8);
  add('product', p['hw.product'] ?? p['hw.model'], hwC);
  add('hwVersion', p['hw.version'], hwC);
  add('deviceLabel', p['hw.device'], hwC);
  add('deviceLabel', p['os.device'], osC * 0.9);
  add('os.vendor', p['os.vendor'], osC);
  add('os.product', p['os.product'], osC);
  add('os.version', p['os.version'], osC);
  add('os.family', p['os.family'], osC);
  add('service.vendor', p['service.vendor'], svcC);
  add('service.product', p['service.product'], svcC);
  add('service.version', p['service.version'], svcC);
  for (const [k, v] of Object.entries(p)) {
    // hw.cpe23, os.cpe23, service.cpe23, and a source's list as hint.cpe23.N
    const m = /^(hw|os|service|hint)\.cpe23(?:\.\d+)?$/.exec(k);
    const c = m && cpeToCpe23(v);
    if (c) add('cpe23', c, m[1] === 'service' ? svcC : m[1] === 'os' ? osC : hwC);
  }
  const mac = p['host.mac']?.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (mac && mac.length === 12) add('deviceId', 'mac:' + mac.match(/../g)!.join(':'), 1);
  if (p['hw.serial_number']) add('deviceId', 'sn:' + p['hw.serial_number'].toUpperCase(), 1);
}

function hintEvidence(obs: ServiceObservation): Evidence | undefined {
  const h = obs.hints;
  if (!h) return undefined;
  const params: Record<string, string> = {};
  // The source says what its product names: hardware, an OS, or an application.
  const prefix = h.part === 'o' ? 'os' : h.part === 'a' ? 'service' : 'hw';
  if (h.vendor) params[`${prefix}.vendor`] = h.vendor;
  if (h.product) params[`${prefix}.product`] = h.product;
  if (h.version) params[`${prefix}.version`] = h.version;
  if (h.deviceType) params['hw.device'] = h.deviceType;
  if (h.os) params['os.product'] = h.os;
  h.cpe23?.forEach((c, i) => (params[`hint.cpe23.${i}`] = c));
  const banner = [h.vendor, h.product, h.version].filter(Boolean).join(' ');
  return { source: obs.source, key: 'hint', banner, fingerprint: `${obs.source} label`, certainty: SOURCE_HINT_CERTAINTY, params, port: obs.port, protocol: obs.protocol, ts: obs.ts };
}

/** Matches every banner of one service and combines the results. */
export function identifyService(obs: ServiceObservation, db: RecogDb): ServiceIdentity {
  const evidence: Evidence[] = [];
  for (const key of RECOG_KEYS) {
    const banner = obs.banners[key];
    if (banner === undefined || banner === '') continue;
    const m = db.matchFirst(key, banner);
    if (!m) continue;
    evidence.push({
      source: obs.source, key, banner, fingerprint: m.fingerprint.description, database: basename(m.file.file),
      certainty: m.fingerprint.certainty ?? DEFAULT_MATCH_CERTAINTY, params: m.params, port: obs.port, protocol: obs.protocol, ts: obs.ts,
    });
  }
  const hint = hintEvidence(obs);
  if (hint) evidence.push(hint);
  const id = resolve(evidence, obs.deviceIdHint ? [obs.deviceIdHint] : []);
  const service = { vendor: id.fields.get('service.vendor'), product: id.fields.get('service.product'), version: id.fields.get('service.version') };
  return {
    ...id.identity,
    ip: obs.ip, port: obs.port, protocol: obs.protocol, source: obs.source, ts: obs.ts,
    service: service.vendor || service.product ? service : undefined,
  };
}

/** Combines the identified services of one device (one host, or the addresses one identity spans). */
export function identifyDevice(services: ServiceIdentity[]): DeviceIdentity {
  const evidence = services.flatMap((s) => s.evidence);
  const ids = services.flatMap((s) => s.deviceIds);
  const { identity } = resolve(evidence, ids);
  const ips = [...new Set(services.map((s) => s.ip))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const times = services.map((s) => s.ts);
  return {
    ...identity,
    ips,
    services: services.length,
    firstSeen: times.length ? Math.min(...times) : 0,
    lastSeen: times.length ? Math.max(...times) : 0,
  };
}

/** Groups observations by address and identifies each host. */
export function identifyHosts(observations: ServiceObservation[], db: RecogDb): DeviceIdentity[] {
  const byIp = new Map<bigint, ServiceIdentity[]>();
  for (const o of observations) {
    const list = byIp.get(o.ip) ?? [];
    list.push(identifyService(o, db));
    byIp.set(o.ip, list);
  }
  return [...byIp.values()].map(identifyDevice);
}

function resolve(evidence: Evidence[], extraIds: string[]): { identity: Identity; fields: Map<string, string> } {
  const cands: Candidate[] = [];
  evidence.forEach((e, i) => candidatesOf(e, i, cands));
  const fields = new Map<string, string>();
  const certainties = new Map<string, number>();
  const conflicts: FieldConflict[] = [];
  const byField = new Map<string, Candidate[]>();
  for (const c of cands) {
    const list = byField.get(c.field) ?? [];
    list.push(c);
    byField.set(c.field, list);
  }
  for (const [field, list] of byField) {
    if (field === 'cpe23' || field === 'deviceId') continue;
    // Highest certainty wins; on a tie the earlier evidence (more specific key) wins.
    const best = list.reduce((a, b) => (b.certainty > a.certainty ? b : a));
    fields.set(field, best.value);
    certainties.set(field, best.certainty);
    const others = new Map<string, Candidate>();
    for (const c of list) if (norm(c.value) !== norm(best.value) && !others.has(norm(c.value))) others.set(norm(c.value), c);
    if (others.size) conflicts.push({ field, chosen: best.value, others: [...others.values()].map((c) => ({ value: c.value, certainty: c.certainty, evidence: c.evidence })) });
  }
  const vendor = fields.get('vendor');
  const product = fields.get('product');
  const os: OsIdentity = { vendor: fields.get('os.vendor'), product: fields.get('os.product'), version: fields.get('os.version'), family: fields.get('os.family') };
  // The OS version is the device's firmware version when the OS is the vendor's own.
  const ownOs = os.version && (!os.vendor || (vendor && norm(os.vendor) === norm(vendor)));
  const cpes = (byField.get('cpe23') ?? []).sort((a, b) => b.certainty - a.certainty).map((c) => c.value);
  if (vendor && product && !cpes.some((c) => c.startsWith('cpe:2.3:h:'))) cpes.push(buildCpe23({ part: 'h', vendor, product, version: fields.get('hwVersion') }));
  const deviceLabel = fields.get('deviceLabel');
  const certainty = certainties.get('vendor') ?? certainties.get('product') ?? certainties.get('deviceLabel') ?? 0;
  const ids = [...(byField.get('deviceId') ?? []).map((c) => c.value), ...extraIds];
  return {
    fields,
    identity: {
      vendor, product,
      version: ownOs ? os.version : undefined,
      hwVersion: fields.get('hwVersion'),
      deviceType: deviceTypeOf(deviceLabel),
      deviceLabel,
      os: Object.values(os).some((v) => v !== undefined) ? os : undefined,
      cpe23: [...new Set(cpes)],
      certainty,
      evidence,
      conflicts,
      deviceIds: [...new Set(ids)],
    },
  };
}
