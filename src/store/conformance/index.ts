// One conformance suite for every store driver, through the contract only (the Store methods and
// the stages' own queries over store.driver). A driver's test file sets up its engine and calls
// runConformance; nothing here knows which engine it runs on.
import type { Store } from '../store.js';
import { importSuite } from './imports.js';
import { matchingSuite } from './matching.js';
import { censusSuite } from './census.js';
import { ownersSuite } from './owners.js';
import { outboxSuite } from './outbox.js';

export interface ConformanceTarget {
  /** The engine's name, in test names. */
  name: string;
  /** A new, empty store whose enrichment reads the fixture ranges of test/fixtures/geo. */
  open: () => Promise<Store>;
}

export function runConformance(target: ConformanceTarget): void {
  importSuite(target);
  matchingSuite(target);
  censusSuite(target);
  ownersSuite(target);
  outboxSuite(target);
}
