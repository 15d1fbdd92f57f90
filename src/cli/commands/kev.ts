// botcensus kev import FILE | kev update: the CISA Known Exploited Vulnerabilities catalog in,
// replacing the last one, and the identified devices matched against it again.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { sha256File } from '../../core/hash.js';
import { loadKev } from '../../identify/kev.js';
import { printable } from '../../core/printable.js';
import { fetchKevText, KEV_URL } from '../../identify/online.js';
import { refreshExposures } from '../../identify/run.js';
import { importOnce } from '../../store/imports.js';
import type { Store } from '../../store/store.js';
import { toJson, withImportStore } from '../context.js';
import { identifyStore } from '../../identify/store.js';

export type KevImportResult =
  | { status: 'imported'; file: string; format: string; importId: number; catalogVersion?: string; entries: number; rejected: { at: number; field?: string; reason: string }[]; exposures: number; exposedDevices: number }
  | { status: 'duplicate'; file: string; previous: number };

/** Imports a KEV JSON or CSV file unless the same bytes were imported before; `name` is what the imports list shows. */
export async function importKevFile(store: Store, file: string, name = file): Promise<KevImportResult> {
  const sha256 = await sha256File(file).catch((err: Error) => {
    throw err instanceof BotcensusError ? err : new BotcensusError('UNREADABLE', `cannot read: ${err.message}`, { file });
  });
  const previous = await store.findImport(sha256, 'kev');
  if (previous) return { status: 'duplicate', file: name, previous: previous.id };
  const catalog = loadKev(file);
  if (catalog.entries.length === 0) {
    const first = catalog.rejected[0];
    throw new BotcensusError('NOTHING_IMPORTED', `no KEV entries${first ? `: all ${catalog.rejected.length} rejected; first: ${first.reason}` : ''}`, { file, field: first?.field });
  }
  const format = /\.csv$/i.test(file) ? 'kev-csv' : 'kev-json';
  const imported = await importOnce(
    store.driver,
    sha256,
    'kev',
    () => identifyStore(store).importKev({ kind: 'kev', format, file: name, sha256, source: 'cisa-kev' }, catalog),
    (previous) => ({ previous }),
  );
  if ('previous' in imported) return { status: 'duplicate', file: name, previous: imported.previous.id };
  const { importId } = imported;
  const ex = await refreshExposures(store);
  return { status: 'imported', file: name, format, importId, catalogVersion: catalog.catalogVersion, entries: catalog.entries.length, rejected: catalog.rejected, ...ex };
}

function print(r: KevImportResult, json: boolean): void {
  if (json) return void process.stdout.write(toJson(r));
  if (r.status === 'duplicate') return console.log(`${r.file}: already imported (import #${r.previous}); nothing changed`);
  const version = r.catalogVersion ? ` ${r.catalogVersion}` : '';
  console.log(`${r.file}: KEV catalog${version}, ${r.entries} entries, ${r.rejected.length} rejected; ${r.exposures} exposures on ${r.exposedDevices} identified devices`);
  for (const x of r.rejected.slice(0, 5)) console.log(`  ${r.format === 'kev-csv' ? 'line' : 'entry'} ${x.at}${x.field ? `, field '${printable(x.field)}'` : ''}: ${printable(x.reason, 1000)}`);
  if (r.rejected.length > 5) console.log(`  … and ${r.rejected.length - 5} more rejected entries`);
}

export function kevCommand(): Command {
  const kev = new Command('kev').description('the CISA Known Exploited Vulnerabilities catalog that identified devices are matched against');
  kev
    .command('import')
    .description('import the KEV catalog from its JSON or CSV file (replaces the previous catalog)')
    .argument('<file>', 'known_exploited_vulnerabilities.json or .csv')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }, cmd: Command) => {
      await withImportStore(cmd, async (store) => print(await importKevFile(store, file), o.json ?? false));
    });
  kev
    .command('update')
    .description(`fetch the current catalog from CISA (${KEV_URL}) and import it; needs network access`)
    .option('--url <url>', 'where to fetch it from', KEV_URL)
    .option('--json', 'print the result as JSON')
    .action(async (o: { url: string; json?: boolean }, cmd: Command) => {
      const text = await fetchKevText(o.url);
      const tmp = join(tmpdir(), `botcensus-kev-${process.pid}.json`);
      writeFileSync(tmp, text);
      try {
        await withImportStore(cmd, async (store) => print(await importKevFile(store, tmp, o.url), o.json ?? false));
      } finally {
        rmSync(tmp, { force: true });
      }
    });
  return kev;
}
