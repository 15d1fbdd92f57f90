// The botcensus program and its one error path, for a process of its own (main.ts) and for a server
// that runs commands handed to it by other processes (handoff-host.ts). Only the command being run
// is loaded (command-list.ts), so --help, --version and usage errors answer at once.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { GEO_ATTRIBUTION } from '../core/geo-data.js';
import { commandNamed, COMMANDS } from './command-list.js';
import { DEFAULT_DB, exitCode, setExitCode } from './context.js';
import { describeFailure, EXIT, EXIT_HELP } from './fail.js';

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The program with the command `args` name loaded, and the others as names for --help. */
export async function buildProgram(args: string[]): Promise<Command> {
  const program = new Command('botcensus')
    .description('Measure, attribute and clean up botnets of hijacked devices: indicators and telemetry in, matched, enriched, counted.')
    .version(version, '-V, --version', 'print the version')
    .option('--db <path>', `store file (default ${DEFAULT_DB}, or $BOTCENSUS_DB)`)
    .option('--store <location>', 'the store: a DuckDB file (or duckdb:PATH) or clickhouse://user:password@host:8123/database[?cluster=NAME] (or $BOTCENSUS_STORE)')
    .addHelpText('after', `${EXIT_HELP}\n\nEnrichment is offline. ${GEO_ATTRIBUTION}`)
    .showHelpAfterError();
  const named = commandNamed(args);
  for (const entry of COMMANDS) program.addCommand(entry.name === named ? await entry.load() : new Command(entry.name).summary(entry.summary));
  // Commander's own usage errors, --help and --version throw instead of exiting the process (a
  // server running a handed-off command must go on), on every subcommand.
  const throwOnUsage = (cmd: Command): void => {
    cmd.exitOverride();
    for (const sub of cmd.commands) throwOnUsage(sub);
  };
  throwOnUsage(program);
  return program;
}

/** Runs one command line (without the node and script words) and gives its exit code. */
export async function runCli(args: string[]): Promise<number> {
  try {
    await (await buildProgram(args)).parseAsync(args, { from: 'user' });
    return exitCode() ?? EXIT.ok;
  } catch (err: unknown) {
    // Commander has printed its message already; help and --version are not failures.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { line, code } = describeFailure(err);
    process.stderr.write(`botcensus: ${line}\n`);
    if (process.env.BOTCENSUS_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    setExitCode(code);
    return code;
  }
}
