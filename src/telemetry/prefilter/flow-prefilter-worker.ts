// Worker thread of the flow prefilter: scans the chunks it is given, one message each, reporting
// progress and then the chunk's counts.
import { parentPort } from 'node:worker_threads';
import { scanChunk, type ChunkSpec } from './flow-prefilter-scan.js';

parentPort!.on('message', (spec: ChunkSpec) => {
  let last = 0;
  const result = scanChunk(spec, (bytes) => {
    // Every 16 MiB or so: progress is for a person watching, not a log.
    if (bytes - last >= 1 << 24) {
      parentPort!.postMessage({ progress: bytes - last });
      last = bytes;
    }
  });
  parentPort!.postMessage({ done: result, progress: spec.end - spec.start - last });
});
