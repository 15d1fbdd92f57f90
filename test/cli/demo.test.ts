// The demo end to end at small scale: the census must reproduce the planted shares, and churn
// must show up as inflation of the window and cumulative counts, not of the active headline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { cli } from './run-cli.js';

test('demo at 2% scale: active shares within 0.5 pp of the truth, churn inflates only window and cumulative', () => {
  const dir = tempDir();
  const r = cli(['--db', join(dir, 'demo.duckdb'), 'demo', '--scale', '0.02', '--coverage', '1', '--dir', join(dir, 'files'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    truth: { active: number; everDevices: number; everAddresses: number };
    active: { headline: { active: number; window: number; cumulative: number }; result: { rows: { key: string }[] } };
    comparison: { cc: string; diffPp: number }[];
    maxDiffPp: number;
    files: number;
  };
  assert.equal(out.files, 90); // 30 days x (nfdump, Zeek dns.log, Shadowserver report)
  assert.ok(out.maxDiffPp <= 0.5, `largest share difference ${out.maxDiffPp} pp`);
  assert.equal(out.active.result.rows[0]!.key, 'US');
  const h = out.active.headline;
  // Every live device is seen on the last day at full coverage; a few dynamic ones twice.
  assert.ok(h.active >= out.truth.active && h.active < out.truth.active * 1.05, `${h.active} vs ${out.truth.active}`);
  assert.ok(h.cumulative > 2 * h.active, 'cumulative is inflated by churn and departures');
  assert.equal(h.cumulative, out.truth.everAddresses + 0, 'cumulative counts every address a device used');
});
