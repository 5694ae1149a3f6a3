/**
 * The bytes of telemetry held in memory (queued or in flight), shared by spans and logs so one cap bounds
 * both. Sizes are estimates of heap use, not of the wire: what matters is the function's memory limit.
 *
 * @example
 * const budget = new MemoryBudget(16 * 1024 * 1024);
 * if (budget.reserve(600)) queue.push(record); else writeToStdout(record);
 */
export class MemoryBudget {
  readonly limitBytes: number;
  #held = 0;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  get heldBytes(): number {
    return this.#held;
  }

  /** Takes `bytes` when they fit under the cap; false (and nothing taken) when they do not. */
  reserve(bytes: number): boolean {
    if (this.#held + bytes > this.limitBytes) return false;
    this.#held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#held = Math.max(0, this.#held - bytes);
  }
}
