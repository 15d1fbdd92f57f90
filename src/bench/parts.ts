// The parts of `npm run bench` besides the flow pipeline: each measures one component against a
// baseline run in the same call and says which of its targets it met.
import type { Target } from './run.js';

export interface BenchPartResult {
  name: string;
  /** The human-readable table rows. */
  lines: string[];
  targets: Target[];
  json: unknown;
}

export type BenchPart = (log: (line: string) => void) => Promise<BenchPartResult>;

/** By name, in the order they run; each loaded only when it runs. */
export const benchParts: Record<string, () => Promise<BenchPart>> = {
  cli: async () => (await import('./cli.js')).cliBench,
  health: async () => (await import('./health.js')).healthBench,
  'serve-import': async () => (await import('./serve-import.js')).serveImportBench,
  sinkhole: async () => (await import('./sinkhole.js')).sinkholeBench,
  mail: async () => (await import('./mail.js')).mailBench,
  'prefilter-scan': async () => (await import('./prefilter-scan.js')).prefilterScanBench,
  intel: async () => (await import('./intel.js')).intelBench,
  store: async () => (await import('./store.js')).storeBench,
  'store-scale': async () => (await import('./store-scale.js')).storeScaleBench,
};
