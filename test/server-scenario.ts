// A small store for the server's unit and end-to-end tests: victims in three fixture networks
// (two US ASNs, one VN) owned by three owners, one unowned IPv6 victim, and hostile strings in
// every place imported data reaches the screen (file names, families, descriptions, URLs, banners).
import { parseIp } from '../src/core/ip.js';
import type { IndicatorRecord } from '../src/core/model/indicator.js';
import type { DuckDbStore } from '../src/store/duckdb/index.js';
import type { ImportMeta, LineCounts, Owner } from '../src/store/store.js';
import type { TelemetryRecord } from '../src/core/model/telemetry.js';
import { openTestStore } from './store.js';
import { issueToken } from '../src/server/auth/tokens.js';
import { replaceOwners } from '../src/notify/owners-sql.js';
import { enrichVictims } from '../src/enrich/enrich.js';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/server/app.js';
import { importIntel, importTelemetry } from '../src/match/import.js';

const ip = (s: string) => parseIp(s)!;
const t = (s: string) => Date.parse(s);
const grace = { graceMs: 86_400_000 };

/** Markup that would run or show if anything rendered data as HTML. */
export const HOSTILE = {
  file: '<img src=x onerror="window.__xss=1">.txt',
  family: '<b>raptor</b>',
  description: '<script>window.__xss=2</script>',
  uri: '/cgi-bin/<svg onload=window.__xss=3>',
  owner: '<i>Evil</i> & Sons',
};

const counts = (n: number): LineCounts => ({ lines: n, records: n, framing: 0, rejected: 1, examples: [{ line: 3, field: 'ts', reason: '<bad> time', raw: '<x>' }] });
let seq = 0;
const meta = (kind: ImportMeta['kind'], file: string, source?: string): ImportMeta => ({ kind, format: 'test', file, sha256: `scenario-${++seq}-${Math.random()}`, source });

function ind(type: IndicatorRecord['type'], value: string, extra: Partial<IndicatorRecord> = {}): IndicatorRecord {
  const r: IndicatorRecord = { type, value, tags: [], forDetection: true, line: 1, ...extra };
  if (type === 'ip') r.lo = r.hi = ip(value);
  if (type === 'domain') r.domain = value;
  return r;
}

const flow = (src: string, dst: string, ts: string): TelemetryRecord => ({ kind: 'flow', src: ip(src), dst: ip(dst), ts: t(ts), proto: 'tcp', bytes: 100, dport: 443 });

export const OWNERS: Owner[] = [
  { name: 'Telecom A', asns: [64500], cidrs: [], emails: ['noc@a.example'], language: 'en', intervalDays: 7, format: 'json' },
  { name: 'Mobile C', asns: [64502], cidrs: [], emails: ['abuse@c.example'], language: 'en', intervalDays: 7, format: 'json' },
  { name: HOSTILE.owner, asns: [], cidrs: ['192.0.3.128/26'], emails: [], language: 'en', intervalDays: 7, format: 'json' },
];

/** Addresses by owner; 2001:db9::5 (DE) has none. */
export const VICTIMS = {
  'Telecom A': ['192.0.3.1', '192.0.3.2', '192.0.3.3'],
  'Mobile C': ['198.51.101.7', '198.51.101.9'],
  [HOSTILE.owner]: ['192.0.3.130'],
  none: ['2001:db9::5'],
};

export interface Scenario {
  store: DuckDbStore;
  tokens: { admin: string; analyst: string; telecomA: string; mobileC: string; evil: string };
}

export async function buildScenario(): Promise<Scenario> {
  const store = await openTestStore();
  await importIntel(
    store,
    {
      meta: meta('intel', HOSTILE.file, 'advisory'),
      counts: counts(3),
      warnings: [],
      family: HOSTILE.family,
      indicators: [
        ind('ip', '203.0.113.10', { tags: ['tier2'], description: HOSTILE.description }),
        ind('domain', 'c2.example', { tags: ['dns'] }),
        ind('ip', '203.0.113.99', { description: 'never seen' }),
      ],
    },
    grace,
  );
  const records: TelemetryRecord[] = [
    flow('192.0.3.1', '203.0.113.10', '2024-06-10T10:00:00Z'),
    flow('203.0.113.10', '192.0.3.1', '2024-06-10T10:00:01Z'),
    flow('192.0.3.2', '203.0.113.10', '2024-06-11T10:00:00Z'),
    { kind: 'dns', client: ip('192.0.3.3'), query: 'x.c2.example', ts: t('2024-06-12T00:00:00Z') },
    flow('198.51.101.7', '203.0.113.10', '2024-06-12T10:00:00Z'),
    { kind: 'http', client: ip('198.51.101.9'), server: ip('203.0.113.10'), host: 'c2.example', uri: HOSTILE.uri, method: 'GET', userAgent: '<marquee>bot</marquee>', ts: t('2024-06-13T08:00:00Z') },
    flow('192.0.3.130', '203.0.113.10', '2024-06-13T09:00:00Z'),
    flow('2001:db9::5', '203.0.113.10', '2024-06-14T09:00:00Z'),
  ];
  records.forEach((r, i) => (r.line = i + 1));
  await importTelemetry(store, meta('telemetry', 'sensor-1/conn.log'), async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, grace);
  await enrichVictims(store);
  await replaceOwners(store, OWNERS);
  const token = async (role: string, owner?: string) => (await issueToken(store, { role, owner })).token;
  return {
    store,
    tokens: {
      admin: await token('admin'),
      analyst: await token('analyst'),
      telecomA: await token('owner', 'Telecom A'),
      mobileC: await token('owner', 'Mobile C'),
      evil: await token('owner', HOSTILE.owner),
    },
  };
}

/**
 * The scenario served for a whole test file: built before its first test, closed after its last.
 * `got` receives the scenario and the server (for the file's own `let` bindings).
 */
export function serveScenario(got: (s: Scenario, app: FastifyInstance) => void): void {
  let s: Scenario | undefined;
  let app: FastifyInstance | undefined;
  before(async () => {
    s = await buildScenario();
    app = await buildServer(s.store, { webRoot: null });
    got(s, app);
  });
  after(async () => {
    await app?.close();
    await s?.store.close();
  });
}
