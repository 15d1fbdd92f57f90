// The botcensus program: its commands and its one error path, for a process of its own (main.ts)
// and for a server that runs commands handed to it by other processes (handoff-host.ts).
import { Command, CommanderError } from 'commander';
import { BotcensusError, formatWhere } from '../core/errors.js';
import { GEO_ATTRIBUTION } from '../core/geo-data.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { censusCommand } from './commands/census.js';
import { demoCommand } from './commands/demo.js';
import { exportCommand } from './commands/export.js';
import { exposureCommand } from './commands/exposure.js';
import { fingerprintsCommand } from './commands/fingerprints.js';
import { identifyCommand } from './commands/identify.js';
import { importsCommand } from './commands/imports.js';
import { ingestCommand } from './commands/ingest.js';
import { intelCommand } from './commands/intel.js';
import { kevCommand } from './commands/kev.js';
import { reportCommand } from './commands/report.js';
import { notifyCommand } from './commands/notify.js';
import { ownersCommand } from './commands/owners.js';
import { pruneCommand } from './commands/prune.js';
import { remediationCommand } from './commands/remediation.js';
import { serveCommand } from './commands/serve.js';
import { tokensCommand } from './commands/tokens.js';
import { lookupCommand, victimsCommand } from './commands/victims.js';
import { mailCommand } from './commands/mail.js';
import { watchCommand } from './commands/watch.js';
import { DEFAULT_DB, exitCode, setExitCode } from './context.js';

export function buildProgram(): Command {
  const program = new Command('botcensus')
    .description('Measure, attribute and clean up botnets of hijacked devices: indicators and telemetry in, matched, enriched, counted.')
    .option('--db <path>', `store file (default ${DEFAULT_DB}, or $BOTCENSUS_DB)`)
    .addHelpText('after', `\nEnrichment is offline. ${GEO_ATTRIBUTION}`)
    .showHelpAfterError();
  for (const c of [
    intelCommand(),
    ingestCommand(),
    censusCommand(),
    victimsCommand(),
    lookupCommand(),
    importsCommand(),
    exportCommand(),
    identifyCommand(),
    exposureCommand(),
    kevCommand(),
    fingerprintsCommand(),
    reportCommand(),
    ownersCommand(),
    notifyCommand(),
    remediationCommand(),
    serveCommand(),
    watchCommand(),
    pruneCommand(),
    backupCommand(),
    restoreCommand(),
    tokensCommand(),
    demoCommand(),
  ])
    program.addCommand(c);
  program.addCommand(mailCommand());
  return program;
}

/** Runs one command line (without the node and script words) and gives its exit code. */
export async function runCli(args: string[]): Promise<number> {
  const program = buildProgram();
  // Commander exits the process on --help and usage errors; a server running a handed-off command must not.
  const override = (c: Command): void => {
    c.exitOverride();
    for (const sub of c.commands) override(sub);
  };
  override(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode() ?? 0;
  } catch (err: unknown) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof BotcensusError) {
      process.stderr.write(`botcensus: ${formatWhere(err.where)}${err.message}\n`);
      setExitCode(err.code === 'USAGE' ? 2 : 1);
    } else {
      process.stderr.write(`botcensus: ${(err as Error).stack ?? err}\n`);
      setExitCode(1);
    }
    return exitCode() ?? 1;
  }
}
