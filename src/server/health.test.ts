// /api/health and the warm-up: "warming" with progress until every preset of the range picker is
// prepared, then "ok" and a "ready" line; health and already cached answers are served while a
// slow store question holds the store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../store/store.js';
import { buildServer } from './app.js';
import { PRESET_HOURS } from './queries.js';
import { buildScenario, type Scenario } from '../../test/server-scenario.js';
import { call, json } from './test-client.js';
import type { VictimWindows } from '../store/victim-windows.js';
import { neutralWindows } from '../census/neutral-windows.js';

let s: Scenario;
before(async () => {
  s = await buildScenario();
});
after(async () => {
  await s.store.close();
});

/** The real store, with every question of a window (the census's) counted and, for one `from`, held until released. */
function watchedStore(store: Store) {
  const calls: { from?: number; to?: number }[] = [];
  let holdFrom: number | undefined;
  let entered!: () => void;
  const held = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'windows') {
        const windows = neutralWindows(target.driver);
        const watched: VictimWindows = {
          prepare: () => windows.prepare(),
          read: async (q, fn) => {
            calls.push({ from: q.from, to: q.to });
            if (holdFrom !== undefined && q.from === holdFrom) {
              entered();
              await released;
            }
            return windows.read(q, fn);
          },
        };
        return watched;
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy, calls, hold: (from: number) => (holdFrom = from), held, release };
}

test('health says "warming" with progress until every preset is prepared, then "ok"; the console hears "ready"', async () => {
  const lines: string[] = [];
  const w = watchedStore(s.store);
  const app = await buildServer(w.store, { readStore: w.store, webRoot: null, warm: true, announce: (l) => lines.push(l) });
  try {
    await app.ready();
    const during = json<{ status: string; progress?: { done: number; total: number; step: string } }>(await app.inject({ url: '/api/health' }));
    assert.equal(during.status, 'warming');
    assert.ok(during.progress && during.progress.total > 0 && during.progress.done < during.progress.total, JSON.stringify(during));
    assert.match(during.progress.step, /\w/);
    await app.warmed();
    assert.deepEqual(json(await app.inject({ url: '/api/health' })), { status: 'ok' });
    assert.match(lines[0]!, /^preparing the data/);
    assert.match(lines.at(-1)!, /^ready: /);

    // Every preset the picker offers is prepared: asking them computes no census.
    const at = Date.parse(json<{ at: string }>(await call(app, 'GET', '/api/overview', s.tokens.admin)).at);
    const before = w.calls.length;
    for (const hours of Object.values(PRESET_HOURS)) {
      const q = `from=${new Date(at - hours * 3_600_000).toISOString()}&to=${new Date(at).toISOString()}`;
      for (const path of ['overview', 'charts/map', 'countries']) assert.equal((await call(app, 'GET', `/api/${path}?${q}`, s.tokens.admin)).statusCode, 200);
    }
    assert.equal(w.calls.length - before, 0, `census computed after the warm-up for ${JSON.stringify(w.calls.slice(before))}`);
    assert.ok(Object.keys(PRESET_HOURS).includes('30d'));
  } finally {
    await app.close();
  }
});

test('health and cached answers are served while a slow question holds the store', async () => {
  const w = watchedStore(s.store);
  const app = await buildServer(w.store, { readStore: w.store, webRoot: null });
  try {
    const cached = '/api/countries';
    assert.equal((await call(app, 'GET', cached, s.tokens.admin)).statusCode, 200);
    // A question nobody asked before, whose census holds the store until released.
    const from = Date.parse('2024-06-11T00:00:00Z');
    w.hold(from);
    const order: string[] = [];
    const slow = call(app, 'GET', `/api/overview?from=${new Date(from).toISOString()}&to=2024-06-12T00:00:00Z`, s.tokens.admin).then((r) => {
      order.push('slow');
      return r;
    });
    await w.held;
    // Queued behind it: more questions nobody asked before, then health and a cached answer.
    const queued = [1, 2, 3].map((d) => call(app, 'GET', `/api/overview?from=2024-06-1${d}T01:00:00Z`, s.tokens.admin).then(() => order.push(`queued ${d}`)));
    const health = app.inject({ url: '/api/health' }).then((r) => (order.push('health'), r));
    const again = call(app, 'GET', cached, s.tokens.admin).then((r) => (order.push('cached'), r));
    // Release the store once both light answers are in (or, should they wait for it, after a
    // guard long enough that only a queue behind the slow question explains the order).
    await Promise.race([Promise.all([health, again]), new Promise((r) => setTimeout(r, 5000))]);
    w.release();
    const [h, c, sl] = await Promise.all([health, again, slow, ...queued]);
    assert.equal(h.statusCode, 200);
    assert.equal(c.statusCode, 200);
    assert.equal(sl.statusCode, 200);
    assert.deepEqual(order.slice(0, 2).sort(), ['cached', 'health'], `answered in the order ${order.join(', ')}`);
  } finally {
    await app.close();
  }
});
