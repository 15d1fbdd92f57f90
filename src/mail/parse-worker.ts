// A worker thread of the parse pool (parse-pool.ts): reads messages into facts off the main
// thread, which keeps reading files and writing the store.
import { parentPort } from 'node:worker_threads';
import { BotcensusError } from '../core/errors.js';
import { readMessage } from './parse.js';
import type { Reply } from './parse-pool.js';

export interface ParseRequest {
  id: number;
  file: string;
  offset: number;
  bytes: Uint8Array;
}

/** Replies ready, sent together when the worker has nothing else to do: each postMessage has a cost of its own. */
let ready: Reply[] = [];
let sending = false;

function reply(r: Reply): void {
  ready.push(r);
  if (sending) return;
  sending = true;
  setImmediate(() => {
    parentPort!.postMessage(ready);
    ready = [];
    sending = false;
  });
}

parentPort!.on('message', (req: ParseRequest) => {
  readMessage({ file: req.file, offset: req.offset, bytes: Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength) }).then(
    (facts) => reply({ id: req.id, facts }),
    (err: Error) => reply({ id: req.id, error: err.message, malformed: err instanceof BotcensusError }),
  );
});
