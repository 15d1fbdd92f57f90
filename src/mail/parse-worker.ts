// A worker thread of the parse pool (parse-pool.ts): reads messages into facts off the main
// thread, which keeps reading files and writing the store.
import { parentPort } from 'node:worker_threads';
import { BotcensusError } from '../core/errors.js';
import { readMessage } from './parse.js';

export interface ParseRequest {
  id: number;
  file: string;
  offset: number;
  bytes: Uint8Array;
}

parentPort!.on('message', (req: ParseRequest) => {
  readMessage({ file: req.file, offset: req.offset, bytes: Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength) }).then(
    (facts) => parentPort!.postMessage({ id: req.id, facts }),
    (err: Error) => parentPort!.postMessage({ id: req.id, error: err.message, malformed: err instanceof BotcensusError }),
  );
});
