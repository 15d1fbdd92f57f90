// DuckDB held to the one conformance suite: this file only opens a DuckDB store.
import { runConformance } from '../conformance/index.js';
import { openTestStore } from '../../../test/store.js';

runConformance({ name: 'DuckDB', open: openTestStore });
