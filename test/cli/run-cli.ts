// Runs the built CLI as a user would, capturing output and exit status.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(process.cwd(), 'dist/src/cli/main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson<T = unknown>(args: string[]): T {
  const r = cli([...args, '--json']);
  if (r.status !== 0) throw new Error(`botcensus ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts the CLI without waiting, for tests that interrupt it. */
export function cliSpawn(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
