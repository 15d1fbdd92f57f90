#!/usr/bin/env node
// The botcensus command line: one file per command under commands/, thin over the stages. Only the
// command being run is loaded (command-list.ts), so --help, --version and usage errors answer at once.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { GEO_ATTRIBUTION } from '../enrich/geo-data.js';
import { commandNamed, COMMANDS } from './command-list.js';
import { DEFAULT_DB } from './context.js';
import { EXIT, EXIT_HELP, fail, quietOnClosedPipe } from './fail.js';

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('botcensus')
  .description('Measure, attribute and clean up botnets of hijacked devices: indicators and telemetry in, matched, enriched, counted.')
  .version(version, '-V, --version', 'print the version')
  .option('--db <path>', `store file (default ${DEFAULT_DB}, or $BOTCENSUS_DB)`)
  .addHelpText('after', `${EXIT_HELP}\n\nEnrichment is offline. ${GEO_ATTRIBUTION}`)
  .showHelpAfterError();

async function main(): Promise<void> {
  const named = commandNamed(process.argv.slice(2));
  for (const entry of COMMANDS)
    program.addCommand(entry.name === named ? await entry.load() : new Command(entry.name).summary(entry.summary));
  throwOnUsage(program);
  await program.parseAsync(process.argv);
}

/** Commander's own usage errors (unknown option, missing argument) throw instead of exiting, on every subcommand. */
function throwOnUsage(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwOnUsage(sub);
}

quietOnClosedPipe();
main().catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander has printed its message already; help and --version are not failures.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return;
  }
  fail(err);
});
