// Drop folders: files that appear in a watched folder are imported once complete, telemetry by
// `ingest`, intel by `intel import`, each exactly once (the store skips content it has imported:
// re-deliveries and restarts change nothing). A file is complete when its size and time have not
// changed for a settle interval and its name is not one writers use while writing (nfcapd's
// nfcapd.current.*, *.tmp, *.part, dot files). Imported files stay where they are (a prefiltered
// flow import reads its file again for later indicators); rejected ones move to rejected/ beside
// them, with the reason in NAME.reason.txt.
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface DropFolder {
  dir: string;
  /** Files here are indicator files (intel import) rather than telemetry (ingest). */
  intel: boolean;
}

export interface DropOutcome {
  file: string;
  folder: string;
  status: 'imported' | 'duplicate' | 'rejected';
  detail: string;
  at: Date;
}

export interface DropFolderStatus {
  folders: DropFolder[];
  /** Newest first, at most 200. */
  recent: DropOutcome[];
  rejected: DropOutcome[];
}

export interface DropFolderOptions {
  /** Runs a botcensus command line and gives its exit code and output. */
  run(args: string[]): Promise<{ code: number; out: string; err: string }>;
  log(line: string): void;
  /** How often folders are listed, ms (default 2000). */
  intervalMs?: number;
  /** How long a file must stay unchanged to count as complete, ms (default: the interval). */
  settleMs?: number;
}

const WRITING = [/^\./, /\.(tmp|part|partial|temp|filepart)$/i, /~$/, /^nfcapd\.current\b/];
export const REJECTED_DIR = 'rejected';

export function isBeingWritten(name: string): boolean {
  return WRITING.some((re) => re.test(name));
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
  done: boolean;
}

export class DropFolderWatcher {
  private readonly folders: DropFolder[] = [];
  private readonly seen = new Map<string, Seen>();
  private readonly outcomes: DropOutcome[] = [];
  private timer?: NodeJS.Timeout;
  private busy: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: DropFolderOptions) {}

  add(folders: DropFolder[]): string[] {
    const lines: string[] = [];
    for (const f of folders) {
      const dir = resolve(f.dir);
      let st: Stats;
      try {
        st = lstatSync(dir);
      } catch {
        mkdirSync(dir, { recursive: true });
        st = lstatSync(dir);
        lines.push(`created ${dir}`);
      }
      if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
      if (this.folders.some((x) => x.dir === dir)) {
        lines.push(`already watching ${dir}`);
        continue;
      }
      this.folders.push({ dir, intel: f.intel });
      lines.push(`watching ${dir} for ${f.intel ? 'indicator files' : 'telemetry'}`);
    }
    return lines;
  }

  start(): void {
    const interval = this.o.intervalMs ?? 2000;
    const tick = () => {
      if (this.stopped) return;
      this.busy = this.poll()
        .catch((err: Error) => this.o.log(`drop folders: ${err.message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, interval);
        });
    };
    tick();
  }

  /** Stops watching after the file being imported, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
  }

  /** The latest files, and every file in a folder's rejected/ with its reason (before a restart too). */
  status(): DropFolderStatus {
    const recent = [...this.outcomes].reverse();
    const rejected: DropOutcome[] = [];
    for (const folder of this.folders) {
      const dir = join(folder.dir, REJECTED_DIR);
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => !n.endsWith('.reason.txt'));
      } catch {
        continue;
      }
      for (const name of names) {
        let detail = '';
        try {
          detail = readFileSync(join(dir, `${name}.reason.txt`), 'utf8').trim();
        } catch {
          // moved aside by hand, without a reason
        }
        let at = new Date(0);
        try {
          at = lstatSync(join(dir, name)).mtime;
        } catch {
          // gone meanwhile
        }
        rejected.push({ file: join(dir, name), folder: folder.dir, status: 'rejected', detail, at });
      }
    }
    rejected.sort((a, b) => b.at.getTime() - a.at.getTime());
    return { folders: [...this.folders], recent, rejected };
  }

  /** One pass: imports every file that has become complete since the last. */
  async poll(now = Date.now()): Promise<void> {
    const settle = this.o.settleMs ?? this.o.intervalMs ?? 2000;
    for (const folder of this.folders)
      for (const file of this.list(folder.dir)) {
        if (this.stopped) return;
        let st: Stats;
        try {
          st = lstatSync(file);
        } catch {
          this.seen.delete(file);
          continue;
        }
        const prev = this.seen.get(file);
        if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
          this.seen.set(file, { size: st.size, mtimeMs: st.mtimeMs, since: now, done: false });
          if (settle > 0) continue;
        }
        const s = this.seen.get(file)!;
        if (s.done || now - s.since < settle) continue;
        s.done = true;
        await this.importOne(folder, file);
      }
  }

  private list(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(d).sort();
      } catch {
        return;
      }
      for (const name of names) {
        if (isBeingWritten(name) || (depth === 0 && name === REJECTED_DIR)) continue;
        const p = join(d, name);
        let st: Stats;
        try {
          st = lstatSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory() && depth < 8) walk(p, depth + 1);
        else if (st.isFile()) out.push(p);
      }
    };
    walk(dir, 0);
    return out;
  }

  private async importOne(folder: DropFolder, file: string): Promise<void> {
    const args = folder.intel ? ['intel', 'import', '--json', file] : ['ingest', '--json', file];
    const r = await this.o.run(args);
    let status: DropOutcome['status'] = 'rejected';
    let detail = (r.err.trim().split('\n').pop() ?? '').replace(/^botcensus: /, '');
    try {
      const [result] = JSON.parse(r.out) as { status: string; reason?: string; error?: string; sightings?: number; previous?: { id: number } }[];
      if (result?.status === 'imported') {
        status = 'imported';
        detail = `${result.sightings ?? 0} new sightings`;
      } else if (result?.status === 'duplicate') {
        status = 'duplicate';
        detail = `same content as import #${result.previous?.id}`;
      } else if (result) detail = result.reason ?? result.error ?? detail;
    } catch {
      // No JSON: the command failed before it read the file; its last error line says why.
    }
    if (r.code !== 0 && status !== 'rejected') status = 'rejected';
    const outcome: DropOutcome = { file, folder: folder.dir, status, detail, at: new Date() };
    if (status === 'rejected') this.reject(folder, file, detail);
    this.outcomes.push(outcome);
    if (this.outcomes.length > 200) this.outcomes.shift();
    this.o.log(`drop folder: ${file}: ${status}${detail ? ` (${detail})` : ''}`);
  }

  private reject(folder: DropFolder, file: string, reason: string): void {
    const dir = join(folder.dir, REJECTED_DIR);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, basename(file));
    try {
      renameSync(file, target);
      writeFileSync(`${target}.reason.txt`, reason + '\n');
      this.seen.delete(file);
    } catch (err) {
      this.o.log(`drop folder: could not move ${file} aside: ${(err as Error).message}`);
    }
  }
}
