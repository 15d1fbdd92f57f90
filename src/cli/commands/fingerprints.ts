// botcensus fingerprints test [DIR] | fingerprints update [FROM_DIR]: runs every <example> of a
// Recog-format database as a self-test (the built-in rules when no folder is named), and installs
// Recog's own beside the store (from a local copy, or fetched), where identify uses it after the
// built-in rules.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { BotcensusError, formatWhere } from '../../core/errors.js';
import { fetchRecog, RECOG_LIST_URL } from '../../identify/online.js';
import { builtinRulesDir } from '../../identify/recog/db.js';
import type { FingerprintFile } from '../../identify/recog/fingerprint.js';
import { loadRecogDir, loadRecogFile } from '../../identify/recog/load.js';
import { installRecogFrom, noteRecogSource, type RecogSource } from '../../identify/recog/install.js';
import { selfTestFiles, type SelfTestResult } from '../../identify/recog/fingerprints-selftest.js';
import { dbPath, setExitCode, toJson, withImportStore } from '../context.js';
import { wholeNumber } from '../options.js';
import { identifyStore } from '../../identify/store.js';

const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(2) : '100.00');

/** Every *.xml of a folder, each loaded alone so one unreadable file is reported, not fatal. */
function loadEach(dir: string): { files: FingerprintFile[]; unreadable: { file: string; error: string }[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.xml')).sort();
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot list: ${(err as Error).message}`, { file: dir });
  }
  const files: FingerprintFile[] = [];
  const unreadable: { file: string; error: string }[] = [];
  for (const n of names) {
    try {
      files.push(loadRecogFile(join(dir, n)));
    } catch (err) {
      unreadable.push({ file: n, error: err instanceof BotcensusError ? formatWhere({ ...err.where, file: undefined }) + err.message : (err as Error).message });
    }
  }
  return { files, unreadable };
}

function render(dir: string, r: SelfTestResult, unsupported: number, unreadable: { file: string; error: string }[], shown: number): string[] {
  const out = [
    `${dir}: ${r.passed}/${r.total} examples pass (${pct(r.passed, r.total)}%) in ${r.files.length} files` +
      `${unreadable.length ? `, ${unreadable.length} files unreadable` : ''}; ${unsupported} fingerprints use patterns JS cannot express`,
  ];
  const width = Math.max(...r.files.map((f) => f.file.length), ...unreadable.map((u) => u.file.length), 4);
  for (const u of unreadable) out.push(`  FAIL  ${u.file.padEnd(width)}  unreadable: ${u.error}`);
  for (const f of r.files) {
    const status = f.failed.length ? 'FAIL' : 'pass';
    out.push(`  ${status}  ${f.file.padEnd(width)}  ${String(f.passed).padStart(5)}/${f.examples}`);
    for (const x of f.failed.slice(0, shown)) out.push(`        ${x.fingerprint}: ${x.reason}\n          example: ${x.example}`);
    if (f.failed.length > shown) out.push(`        … and ${f.failed.length - shown} more`);
  }
  return out;
}

export function fingerprintsCommand(): Command {
  const fp = new Command('fingerprints').description('fingerprint databases (Recog format): self-test and update');
  fp.command('test')
    .description('run every <example> of a Recog-format database against its own fingerprint; pass/fail per file')
    .argument('[dir]', 'folder of fingerprint XML files (default: the built-in rules)')
    .option('--min-pass <percent>', 'exit with status 1 when fewer examples pass', '100')
    .option('--show <n>', 'failures shown per file', '5')
    .option('--json', 'print the result as JSON')
    .action((dir: string | undefined, o: { minPass: string; show: string; json?: boolean }) => {
      const folder = dir ?? builtinRulesDir();
      const min = Number(o.minPass);
      if (!Number.isFinite(min) || min < 0 || min > 100) throw new BotcensusError('USAGE', `--min-pass takes a percentage, not ${JSON.stringify(o.minPass)}`);
      const show = wholeNumber(o.show, '--show')!;
      const { files, unreadable } = loadEach(folder);
      const r = selfTestFiles(files);
      const unsupported = files.reduce((n, f) => n + f.fingerprints.filter((x) => !x.regex.ok).length, 0);
      if (o.json) process.stdout.write(toJson({ dir: folder, ...r, unreadable, unsupported, passRate: r.total ? r.passed / r.total : 1 }));
      else console.log(render(folder, r, unsupported, unreadable, show).join('\n'));
      if (unreadable.length || (r.total && (100 * r.passed) / r.total < min)) setExitCode(1);
    });
  fp.command('update')
    .description(
      "install Recog's fingerprint database (BSD-2-Clause) beside the store, replacing the copy there, and use it after the " +
        'built-in rules in later identify runs: from FROM_DIR (a Recog checkout or unpacked release, or its xml folder), ' +
        'or fetched from GitHub when no folder is given (needs network access)',
    )
    .argument('[from]', 'a local copy of Recog: its folder or its xml/ folder')
    .option('--dir <dir>', 'where to keep it (default: recog/ beside the store file)')
    .option('--recog-version <version>', "Recog's version, when FROM_DIR does not say (lib/recog/version.rb or VERSION)")
    .option('--url <url>', 'GitHub contents listing of the xml folder', RECOG_LIST_URL)
    .option('--json', 'print the result as JSON')
    .action(async (from: string | undefined, o: { dir?: string; url: string; recogVersion?: string; json?: boolean }, cmd: Command) => {
      const dir = resolve(o.dir ?? join(dirname(resolve(dbPath(cmd))), 'recog'));
      let source: RecogSource;
      if (from) source = installRecogFrom(from, dir, o.recogVersion);
      else source = noteRecogSource(dir, o.url, (await fetchRecog(dir, o.url)).length, o.recogVersion);
      const r = selfTestFiles(loadRecogDir(dir));
      await withImportStore(cmd, async (store) => {
        const dirs = await identifyStore(store).fingerprintDirs();
        if (!dirs.includes(dir)) await identifyStore(store).setFingerprintDirs([...dirs, dir]);
      });
      if (o.json) process.stdout.write(toJson({ dir, ...source, examples: r.total, passed: r.passed }));
      else {
        console.log(`${dir}: Recog ${source.version}, ${source.files} files; self-test ${r.passed}/${r.total} examples pass; used after the built-in rules by the next botcensus identify`);
        if (!source.licenceFiles.length) console.log(`  no LICENSE or COPYING found beside it: Recog is BSD-2-Clause, keep its licence with the copy`);
      }
    });
  return fp;
}
