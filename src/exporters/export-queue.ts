import type { ExportResult } from '@opentelemetry/core';
import type { MemoryBudget } from './memory-budget.ts';

/** Why records left the queue without an export: past the memory cap, or still queued when a flush ran out of time. */
export type OverflowReason = 'overCap' | 'spilled';

export interface ExportQueueOptions<T> {
  readonly exporter: { export(items: T[], done: (result: ExportResult) => void): void };
  /** Records per export request. */
  readonly maxBatchSize: number;
  /** Records held (queued or in flight) before more go to `overflow`; the memory cap usually binds first. */
  readonly maxQueueSize: number;
  /** Export requests in flight at once. */
  readonly maxConcurrentExports: number;
  /** Time a partial batch waits before it is exported during a long invocation; the flush exports at once. */
  readonly scheduledDelayMs: number;
  readonly budget: MemoryBudget;
  /** Estimated heap bytes of one record. */
  readonly sizeOf: (item: T) => number;
  /** Takes records that will not be exported (the stdout last resort), with the reason. */
  readonly overflow: (items: T[], reason: OverflowReason) => void;
  /** Sees each export's result (a failure the exporter did not handle itself is counted there). */
  readonly onResult?: (items: T[], result: ExportResult) => void;
}

interface Batch<T> {
  readonly items: T[];
  readonly bytes: number;
  readonly done: Promise<void>;
  readonly finish: () => void;
}

/**
 * Holds records and exports them in batches, several requests in parallel, dropping nothing: a record past
 * the memory cap or the queue size goes to `overflow` at once, and `spill()` hands over whatever a flush
 * out of time still holds. Written because the SDK's batch processors drop records past `maxQueueSize`
 * silently and return at once from a `forceFlush` that overlaps another; here every flush waits for
 * every record added before it, and no timer outlives it.
 *
 * @example
 * const queue = new ExportQueue({ exporter, maxBatchSize: 512, maxQueueSize: Infinity, maxConcurrentExports: 4, scheduledDelayMs: 1000, budget, sizeOf, overflow });
 * queue.add(record);
 * await queue.flush();
 */
export class ExportQueue<T> {
  readonly #options: ExportQueueOptions<T>;
  #pending: T[] = [];
  #pendingSizes: number[] = [];
  #held = 0;
  readonly #waiting: Batch<T>[] = [];
  readonly #unfinished = new Set<Batch<T>>();
  #running = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ExportQueueOptions<T>) {
    this.#options = options;
  }

  add(item: T): void {
    const { budget, sizeOf, maxQueueSize, maxBatchSize } = this.#options;
    const bytes = sizeOf(item);
    if (this.#held >= maxQueueSize || !budget.reserve(bytes)) {
      this.#options.overflow([item], 'overCap');
      return;
    }
    this.#held++;
    this.#pending.push(item);
    this.#pendingSizes.push(bytes);
    if (this.#pending.length >= maxBatchSize) this.#cut();
    else this.#timer ??= this.#armTimer();
  }

  /** Exports everything added before the call; resolves when each of those records has been handed off. Never rejects. */
  async flush(): Promise<void> {
    this.#cut();
    await Promise.all([...this.#unfinished].map((batch) => batch.done));
  }

  /** Hands every record not yet in an export request to `overflow` (a flush out of time); requests in flight go on. */
  spill(): void {
    this.#cut();
    for (const batch of this.#waiting.splice(0)) {
      this.#options.overflow(batch.items, 'spilled');
      this.#release(batch);
    }
  }

  /** Records queued or in flight. */
  get heldRecords(): number {
    return this.#held;
  }

  #armTimer(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#cut();
    }, this.#options.scheduledDelayMs);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }

  /** Moves the pending records into batches and starts what the concurrency allows. */
  #cut(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const { maxBatchSize } = this.#options;
    for (let start = 0; start < this.#pending.length; start += maxBatchSize) {
      const items = this.#pending.slice(start, start + maxBatchSize);
      let bytes = 0;
      for (let i = start; i < start + items.length; i++) bytes += this.#pendingSizes[i]!;
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const batch: Batch<T> = { items, bytes, done, finish };
      this.#unfinished.add(batch);
      this.#waiting.push(batch);
    }
    this.#pending = [];
    this.#pendingSizes = [];
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#options.maxConcurrentExports && this.#waiting.length > 0) {
      const batch = this.#waiting.shift()!;
      this.#running++;
      let called = false;
      const done = (result?: ExportResult) => {
        if (called) return;
        called = true;
        if (result) this.#options.onResult?.(batch.items, result);
        this.#running--;
        this.#release(batch);
        this.#pump();
      };
      try {
        this.#options.exporter.export(batch.items, done);
      } catch {
        // An exporter must report failures through its callback; one that throws loses nothing here.
        this.#options.overflow(batch.items, 'spilled');
        done();
      }
    }
  }

  #release(batch: Batch<T>): void {
    this.#held -= batch.items.length;
    this.#options.budget.release(batch.bytes);
    this.#unfinished.delete(batch);
    batch.finish();
  }
}
