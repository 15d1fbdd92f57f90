// The "still working" line: shown on a terminal only after 2 s, with the seconds, and cleared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { duration, working } from './progress.js';

async function capture<T>(tty: boolean, fn: () => Promise<T>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  const isTTY = process.stderr.isTTY;
  let out = '';
  process.stderr.isTTY = tty;
  process.stderr.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
    process.stderr.isTTY = isTTY;
  }
  return out;
}

test('working: silent for quick work, a line with the seconds after 2 s on a terminal, nothing off a terminal', async () => {
  assert.equal(await capture(true, () => working('counting', () => sleep(100))), '');
  const slow = await capture(true, () => working('counting', () => sleep(3200)));
  assert.match(slow, /\r\x1b\[Kcounting \([23] s\)/);
  assert.ok(slow.endsWith('\r\x1b[K'), 'the line is cleared at the end');
  assert.equal(await capture(false, () => working('counting', () => sleep(2600))), '');
});

test('duration', () => {
  assert.equal(duration(40_000), '40 s');
  assert.equal(duration(125_000), '2 min 5 s');
});
