// botcensus watch DIR... [--intel DIR...]: drop folders. Next to a running server the folders are
// added to the server's watcher; without one this process watches and imports until interrupted.
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { captured } from '../capture.js';
import { invocation } from '../invocation.js';
import { DropFolderWatcher, type DropFolder } from '../drop-folders.js';

export function dropFoldersOf(dirs: string[] = [], intel: string[] = []): DropFolder[] {
  return [...dirs.map((dir) => ({ dir, intel: false })), ...intel.map((dir) => ({ dir, intel: true }))];
}

export function watchCommand(): Command {
  return new Command('watch')
    .description('import every complete file that appears in drop folders (telemetry; --intel for indicator files), each once; rejected files move to rejected/')
    .argument('[dirs...]', 'folders of telemetry files')
    .option('--intel <dir...>', 'folders of indicator files')
    .option('--interval <seconds>', 'how often the folders are listed', '2')
    .action(async (dirs: string[], o, cmd: Command) => {
      const folders = dropFoldersOf(dirs, o.intel);
      if (!folders.length) throw new BotcensusError('USAGE', 'watch needs at least one folder');
      const interval = Number(o.interval);
      if (!(interval > 0)) throw new BotcensusError('USAGE', `--interval takes a number of seconds, not ${JSON.stringify(o.interval)}`);
      const host = invocation().host;
      if (host) {
        if (!host.watch) throw new BotcensusError('USAGE', 'this server takes no drop folders');
        for (const line of host.watch(folders)) console.log(`${line} (in the server, pid ${host.pid})`);
        return;
      }
      // Each file runs as its own command on the store (opened for that file only), as from a shell.
      const { runCli } = await import('../program.js');
      const db = (cmd.optsWithGlobals() as { db?: string }).db;
      const watcher = new DropFolderWatcher({
        intervalMs: interval * 1000,
        log: (line) => console.log(line),
        run: async (args) => {
          const r = await captured(() => runCli(db ? ['--db', db, ...args] : args));
          return { code: r.value, out: r.out, err: r.err };
        },
      });
      for (const line of watcher.add(folders)) console.log(line);
      watcher.start();
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await watcher.stop();
    });
}
