// Returning a phase's garbage when it is done with it. V8 lets the heap grow to several times
// what is live before it collects the old generation: a loop that reads the store in passes
// (mail judging) leaves each pass's rows behind as garbage, and on a 1 GB mbox the heap reached
// 180 MB with 20–60 MB live. Collecting after a pass, once the heap is over a bound, keeps the
// peak near what is live at little cost (one full collection of a small heap per few passes).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** A full collection now, with V8's collector exposed once (as jest's leak detector does): the flag makes new contexts see `gc`. */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Collects garbage now when the heap holds more than `bytes`; says whether it did. */
export function collectGarbageAbove(bytes: number): boolean {
  if (getHeapStatistics().used_heap_size <= bytes) return false;
  collectGarbage();
  return true;
}
