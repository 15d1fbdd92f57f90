#!/usr/bin/env node
// The botcensus command line: one file per command under commands/, thin over the stages.
import { Command } from 'commander';
import { BotcensusError, formatWhere } from '../core/errors.js';
import { GEO_ATTRIBUTION } from '../enrich/geo-data.js';
import { censusCommand } from './commands/census.js';
import { demoCommand } from './commands/demo.js';
import { enrichCommand } from './commands/enrich.js';
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
import { remediationCommand } from './commands/remediation.js';
import { serveCommand } from './commands/serve.js';
import { tokensCommand } from './commands/tokens.js';
import { lookupCommand, victimsCommand } from './commands/victims.js';
import { DEFAULT_DB } from './context.js';

const program = new Command('botcensus')
  .description('Measure, attribute and clean up botnets of hijacked devices: indicators and telemetry in, matched, enriched, counted.')
  .option('--db <path>', `store file (default ${DEFAULT_DB}, or $BOTCENSUS_DB)`)
  .addHelpText('after', `\nEnrichment is offline. ${GEO_ATTRIBUTION}`)
  .showHelpAfterError();

for (const c of [intelCommand(), ingestCommand(), censusCommand(), victimsCommand(), lookupCommand(), enrichCommand(), importsCommand(), exportCommand(), identifyCommand(), exposureCommand(), kevCommand(), fingerprintsCommand(), reportCommand(), ownersCommand(), notifyCommand(), remediationCommand(), serveCommand(), tokensCommand(), demoCommand()])
  program.addCommand(c);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof BotcensusError) {
    console.error(`botcensus: ${formatWhere(err.where)}${err.message}`);
    process.exitCode = err.code === 'USAGE' ? 2 : 1;
  } else {
    console.error(`botcensus: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  }
});
