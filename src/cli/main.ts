#!/usr/bin/env node
// The botcensus command line. While a server holds the store, the command is handed to it
// (handoff.ts); otherwise it runs here and opens the store itself.
import { DEFAULT_DB } from './context.js';
import { quietOnClosedPipe } from './fail.js';
import { handOff, handsOff, readServerFile, storeOfArgs } from './handoff.js';
import { runCli } from './program.js';

quietOnClosedPipe();
const args = process.argv.slice(2);
let code: number | undefined;
if (handsOff(args)) {
  const file = storeOfArgs(args, process.env.BOTCENSUS_STORE || process.env.BOTCENSUS_DB || DEFAULT_DB);
  const server = file === undefined ? undefined : readServerFile(file);
  if (server)
    code = await handOff(server, args).catch((err: Error) => {
      process.stderr.write(`botcensus: ${err.message}\n`);
      return 1;
    });
}
process.exitCode = code ?? (await runCli(args));
