/**
 * Tracks an exporter's requests in flight, so `forceFlush()` can wait for them: the SDK's batch
 * processors do not wait for an export their timer already started.
 */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work)).catch(() => undefined);
    return work;
  }

  /** Resolves when everything tracked before the call has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
