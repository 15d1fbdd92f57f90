// Fetching the published KEV catalog and Recog database when the machine is online. Offline (or on
// any HTTP failure) these throw a BotcensusError that says what to do instead.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BotcensusError } from '../core/errors.js';

export const KEV_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';
/** GitHub's listing of Recog's xml folder, and where each file's raw text is. */
export const RECOG_LIST_URL = 'https://api.github.com/repos/rapid7/recog/contents/xml';

const TIMEOUT_MS = 30_000;

async function get(url: string, what: string, instead: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { 'user-agent': 'botcensus' } });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new BotcensusError('UNREADABLE', `cannot fetch ${what} from ${url} (${cause}); is this machine offline? ${instead}`, {}, { cause: err });
  }
  if (!res.ok) throw new BotcensusError('UNREADABLE', `cannot fetch ${what} from ${url}: HTTP ${res.status} ${res.statusText}. ${instead}`);
  return res;
}

/** The KEV catalog's JSON text. */
export async function fetchKevText(url = KEV_URL): Promise<string> {
  const res = await get(url, 'the KEV catalog', 'Download known_exploited_vulnerabilities.json elsewhere and run: botcensus kev import FILE');
  return res.text();
}

/**
 * Downloads every *.xml of Recog's database into `dir`, replacing it only once all files arrived.
 * Returns the file names.
 */
export async function fetchRecog(dir: string, listUrl = RECOG_LIST_URL): Promise<string[]> {
  const instead = 'Copy Recog\'s xml folder here by other means and pass it with --fingerprints DIR';
  const list = (await (await get(listUrl, 'the Recog file list', instead)).json()) as { name?: string; download_url?: string }[];
  const files = Array.isArray(list) ? list.filter((f) => f.name?.endsWith('.xml') && f.download_url) : [];
  if (files.length === 0) throw new BotcensusError('UNREADABLE', `no fingerprint files listed at ${listUrl}`);
  const staging = join(dirname(dir), `.recog-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  try {
    for (const f of files) writeFileSync(join(staging, f.name!), await (await get(f.download_url!, f.name!, instead)).text());
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return files.map((f) => f.name!);
}
