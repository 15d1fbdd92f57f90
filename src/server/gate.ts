// One store operation at a time. The DuckDB store has a single connection: an import's transaction
// and the census' temporary constituency table must not interleave with other requests' queries.
export class StoreGate {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every operation queued before it; its result or error is passed through. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const out = this.tail.then(fn, fn);
    this.tail = out.catch(() => undefined);
    return out;
  }
}
