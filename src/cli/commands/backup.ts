// botcensus backup DIR / restore DIR: a consistent copy of the whole store, taken while a server
// serves it (the command is handed to the server, which exports from the store it holds).
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { DuckDbStore } from '../../store/duckdb/index.js';
import { storeLocationOf, withStore } from '../context.js';

export function backupCommand(): Command {
  return new Command('backup')
    .description('write a consistent copy of the whole store into a new folder (a DuckDB database file); safe while serving')
    .argument('<dir>', 'a folder that does not exist yet, or is empty')
    .action(async (dir: string, _o, cmd: Command) => {
      const target = resolve(dir);
      if (existsSync(target) && readdirSync(target).length) throw new BotcensusError('USAGE', `${target} is not empty: back up into a new folder`);
      await withStore(cmd, (store) => store.backup(target));
      console.log(`store backed up to ${target}; restore with: botcensus --db NEW.duckdb restore ${target}`);
    });
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description('create a store (--db, which must not exist yet) from a folder written by backup')
    .argument('<dir>', 'the backup folder')
    .action(async (dir: string, _o, cmd: Command) => {
      const loc = storeLocationOf(cmd);
      if (loc.engine !== 'duckdb') throw new BotcensusError('USAGE', 'restore makes a DuckDB store: name a new file with --db (ClickHouse keeps its own backups)');
      const path = loc.path;
      if (existsSync(path)) throw new BotcensusError('USAGE', `${path} exists: restore into a new store file (--db)`);
      if (!existsSync(resolve(dir, 'store.duckdb')) && !existsSync(resolve(dir, 'schema.sql'))) throw new BotcensusError('USAGE', `${dir} is not a botcensus backup (no store.duckdb)`);
      const store = await DuckDbStore.restore(resolve(dir), path);
      await store.close();
      console.log(`store ${path} restored from ${resolve(dir)}`);
    });
}
