// API latency for `npm run bench`: starts the server on loopback over a store as `serve` does
// (with its background warm-up, awaited and timed), asks the main endpoints a bounded set of
// questions (ranges, sorts, pages, drill-downs taken from the answers, a custom range, near
// misses), each `rounds` times, and reports p50/p95 per endpoint, over all requests and over
// first asks (not cached by the server).
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/store.js';
import { buildServer } from './app.js';
import { issueToken } from './auth/tokens.js';
import { tokenStore } from './auth/tokens-sql.js';
import { PRESET_HOURS } from './queries.js';

export interface LatencyOptions {
  /** Passes over the question set (default 3): the first is cold, later ones hit the answer cache. */
  rounds?: number;
  /** Countries, ASNs and victims drilled into (default 3 each). */
  drill?: number;
  /** Bearer token to use; by default an admin token is created and revoked afterwards. */
  token?: string;
  /** Called once the server listens, before its warm-up is awaited (the health benchmark starts probing there). */
  onListening?: (origin: string) => void;
  /** Called after the last question, before the server closes. */
  beforeClose?: () => Promise<void>;
}

export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
}

export interface EndpointLatency extends Percentiles {
  endpoint: string;
  requests: number;
  errors: number;
  /** Over the first ask of each question only. */
  cold: Percentiles;
}

export function percentiles(ms: number[]): Percentiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : 0);
  return { p50: at(0.5), p95: at(0.95), max: s.length ? s[s.length - 1]! : 0 };
}

/** The range picker's presets: the three that count back from the latest sighting, and all time. */
const RANGES: (keyof typeof PRESET_HOURS | 'all')[] = [...(Object.keys(PRESET_HOURS) as (keyof typeof PRESET_HOURS)[]), 'all'];

export interface ApiLatency {
  /** The server's background warm-up at start (the standard ranges' victims, census, trend). */
  warmUpMs: number;
  endpoints: EndpointLatency[];
  /** Every answer of the run together (what "p95 of the API's answers" reads as), and the first asks alone. */
  overall: Percentiles & { requests: number; cold: Percentiles };
}

/** Endpoints whose answers no warm-up prepares: reported, but outside the dashboard's target. */
// Near misses are not among them: the warm-up pages in the flows' address keys they scan, and
// each answer is then a small read (the bench holds them to the target like the rest).
export const UNPREPARED = new Set(['overview (custom range)', 'victims (custom range)']);

export async function measureApiLatency(store: Store, opts: LatencyOptions = {}): Promise<ApiLatency> {
  const rounds = opts.rounds ?? 3;
  const drill = opts.drill ?? 3;
  const temp = opts.token ? undefined : await issueToken(store, { role: 'admin', label: 'latency benchmark' });
  const token = opts.token ?? temp!.token;
  // As `serve` runs: the dashboard's first answers are prepared in the background at start.
  const w0 = performance.now();
  const app = await buildServer(store, { webRoot: null, warm: true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  opts.onListening?.(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  await app.warmed();
  const warmUpMs = performance.now() - w0;
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/`;
  const times = new Map<string, { all: number[]; cold: number[]; errors: number }>();
  const ask = async (endpoint: string, path: string, cold: boolean): Promise<unknown> => {
    const t0 = performance.now();
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json().catch(() => undefined);
    const ms = performance.now() - t0;
    const e = times.get(endpoint) ?? { all: [], cold: [], errors: 0 };
    e.all.push(ms);
    if (cold) e.cold.push(ms);
    if (!res.ok) {
      e.errors++;
      // BOTCENSUS_DEBUG_API=1 shows what failed.
      if (process.env.BOTCENSUS_DEBUG_API) process.stderr.write(`${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}\n`);
    }
    times.set(endpoint, e);
    return body;
  };
  try {
    const overview = (await ask('overview', 'overview', true)) as { at: string | null };
    const ranges = RANGES.map((r) => {
      if (r === 'all' || !overview?.at) return '';
      const hours = PRESET_HOURS[r];
      return `from=${new Date(Date.parse(overview.at) - hours * 3_600_000).toISOString()}&to=${overview.at}`;
    });
    const questions: [string, string][] = [];
    for (const q of ranges) {
      questions.push(['overview', `overview?${q}`], ['charts/map', `charts/map?${q}`], ['charts/trend', `charts/trend?${q}`]);
      questions.push(['countries', `countries?${q}`], ['countries', `countries?${q}&sort=label&dir=asc&limit=25&offset=25`]);
      questions.push(['victims', `victims?${q}`], ['victims', `victims?${q}&sort=events&dir=desc&offset=50`]);
    }
    questions.push(['indicators', 'indicators'], ['indicators', 'indicators?matched=yes&sort=value&dir=asc'], ['indicators', 'indicators?q=1'], ['imports', 'imports']);
    // Drill-downs from real answers: the top countries, their top ASNs, victims and evidence.
    const countries = ((await ask('countries', 'countries', true)) as { rows?: { key: string }[] })?.rows ?? [];
    for (const c of countries.filter((c) => /^[A-Z]{2}$/.test(c.key)).slice(0, drill)) {
      questions.push(['countries/:cc/networks', `countries/${c.key}/networks`], ['countries/:cc/networks', `countries/${c.key}/networks?by=org`]);
      questions.push(['victims?country', `victims?country=${c.key}`]);
      const nets = ((await ask('countries/:cc/networks', `countries/${c.key}/networks`, true)) as { rows?: { key: string }[] })?.rows ?? [];
      for (const n of nets.filter((n) => /^\d+$/.test(n.key)).slice(0, drill)) questions.push(['victims?country&asn', `victims?country=${c.key}&asn=${n.key}`]);
      const victims = ((await ask('victims?country', `victims?country=${c.key}&limit=${drill}`, true)) as { rows?: { ip: string }[] })?.rows ?? [];
      for (const v of victims) questions.push(['victims/:ip', `victims/${encodeURIComponent(v.ip)}`], ['victims/:ip/near-misses', `victims/${encodeURIComponent(v.ip)}/near-misses`]);
    }
    // A range no warm-up prepared: three days ending two days before the latest sighting.
    if (overview?.at) {
      const end = Date.parse(overview.at) - 2 * 86_400_000;
      const q = `from=${new Date(end - 3 * 86_400_000).toISOString()}&to=${new Date(end).toISOString()}`;
      questions.push(['overview (custom range)', `overview?${q}`], ['victims (custom range)', `victims?${q}`]);
    }
    for (let r = 0; r < rounds; r++) for (const [endpoint, path] of questions) await ask(endpoint, path, r === 0);
  } finally {
    await opts.beforeClose?.();
    await app.close();
    if (temp) await tokenStore(store).revokeToken(temp.row.id);
  }
  const endpoints = [...times.entries()].map(([endpoint, t]) => ({ endpoint, requests: t.all.length, errors: t.errors, ...percentiles(t.all), cold: percentiles(t.cold) }));
  const all = [...times.values()].flatMap((t) => t.all);
  const overall = { requests: all.length, ...percentiles(all), cold: percentiles([...times.values()].flatMap((t) => t.cold)) };
  return { warmUpMs, endpoints, overall };
}
