// Worker thread entry of the flow prefilter: scans one chunk, reports progress, returns counts.
import { parentPort, workerData } from 'node:worker_threads';
import { scanChunk, type ChunkSpec } from './flow-prefilter-scan.js';

let last = 0;
const result = scanChunk(workerData as ChunkSpec, (bytes) => {
  // Every 16 MiB or so: progress is for a person watching, not a log.
  if (bytes - last >= 1 << 24) {
    parentPort!.postMessage({ progress: bytes - last });
    last = bytes;
  }
});
parentPort!.postMessage({ done: result, progress: 0 });
