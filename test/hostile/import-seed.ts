// Imports a file as a seed says (the same functions the CLI and the upload call), and a snapshot of
// everything the store holds, to show that a refused file changed nothing.
import { importKevFile } from '../../src/cli/commands/kev.js';
import { importIntelFile } from '../../src/intel/import.js';
import type { IntelFormat } from '../../src/intel/parse.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { ingestFile } from '../../src/telemetry/ingest.js';
import type { Seed } from './seeds.js';

export interface SeedOutcome {
  status: 'imported' | 'duplicate';
  /** Lines read and their fate, where the reader counts lines (not KEV, not JSON documents). */
  counts?: { lines: number; records: number; framing: number; rejected: number; examples: { line: number; reason: string; raw: string }[] };
}

export async function importSeedFile(store: DuckDbStore, seed: Seed, file: string): Promise<SeedOutcome> {
  const match = { graceMs: 86_400_000 };
  if (seed.kind === 'kev') return importKevFile(store, file);
  if (seed.kind === 'intel') return importIntelFile(store, file, { format: seed.format as IntelFormat, match, rescan: false });
  return ingestFile(store, file, { format: seed.format, match });
}

/** Every table's row count, and the imports list: what a refused import must leave as it was. */
export async function storeSnapshot(store: DuckDbStore): Promise<Record<string, number>> {
  const tables = await store.db.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1`);
  const out: Record<string, number> = {};
  for (const t of tables) out[t.name] = Number((await store.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM "${t.name}"`))!.n);
  return out;
}
