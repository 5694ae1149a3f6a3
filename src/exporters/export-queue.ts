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
  /**
   * While it answers true, export only when a flush asks, never on a full batch or the timer (batched delivery
   * on Lambda, while the extension runs: an export must not start between the flushes the delivery decides, nor
   * be frozen half-sent). The memory cap still binds.
   */
  readonly holdUntilFlush?: () => boolean;
}

interface Batch<T> {
  /** Sequence number of its first record. */
  readonly start: number;
  readonly items: T[];
  readonly bytes: number;
}

interface Waiter {
  /** Every record numbered below it must be handed off. */
  readonly target: number;
  readonly resolve: () => void;
}

/**
 * Holds records and exports them in batches, several requests in parallel, dropping nothing: a record past
 * the memory cap or the queue size goes to `overflow` at once, and `spill()` hands over whatever a flush
 * out of time still holds. Written because the SDK's batch processors drop records past `maxQueueSize`
 * silently and return at once from a `forceFlush` that overlaps another; here every flush waits for
 * every record added before it, and no timer outlives it.
 *
 * Batches are cut when an export slot is free, not when a flush is called: a thousand overlapping
 * flushes (an edge isolate serving a thousand requests) share a few full requests instead of queueing a
 * thousand small ones.
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
  /** Sequence number of the first pending record; records below it are in flight or handed off. */
  #pendingStart = 0;
  /** Pending records numbered below it are exported even in a partial batch (a flush or the timer asked). */
  #wanted = 0;
  readonly #inFlight = new Set<Batch<T>>();
  #inFlightRecords = 0;
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ExportQueueOptions<T>) {
    this.#options = options;
  }

  /** Records queued or in flight. */
  get heldRecords(): number {
    return this.#pending.length + this.#inFlightRecords;
  }

  add(item: T): void {
    const { budget, sizeOf, maxQueueSize, maxBatchSize } = this.#options;
    const bytes = sizeOf(item);
    if (this.heldRecords >= maxQueueSize || !budget.reserve(bytes)) {
      this.#options.overflow([item], 'overCap');
      return;
    }
    this.#pending.push(item);
    this.#pendingSizes.push(bytes);
    if (this.#options.holdUntilFlush?.()) return;
    if (this.#pending.length >= maxBatchSize) this.#pump();
    else this.#timer ??= this.#armTimer();
  }

  /** Exports everything added before the call; resolves when each of those records has been handed off. Never rejects. */
  flush(): Promise<void> {
    const target = this.#pendingStart + this.#pending.length;
    this.#want(target);
    if (this.#satisfied(target)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ target, resolve }));
  }

  /** Hands every record not yet in an export request to `overflow` (a flush out of time); requests in flight go on. */
  spill(): void {
    this.#clearTimer();
    const { maxBatchSize } = this.#options;
    while (this.#pending.length > 0) {
      const batch = this.#take(maxBatchSize);
      this.#options.budget.release(batch.bytes);
      this.#options.overflow(batch.items, 'spilled');
    }
    this.#settleWaiters();
  }

  #armTimer(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#want(this.#pendingStart + this.#pending.length);
    }, this.#options.scheduledDelayMs);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #want(target: number): void {
    this.#wanted = Math.max(this.#wanted, target);
    if (this.#wanted >= this.#pendingStart + this.#pending.length) this.#clearTimer();
    this.#pump();
  }

  /** Starts exports while a slot is free and there is a full batch, or records a flush is waiting for. */
  #pump(): void {
    const { maxBatchSize, maxConcurrentExports, holdUntilFlush } = this.#options;
    while (
      this.#inFlight.size < maxConcurrentExports &&
      ((this.#pending.length >= maxBatchSize && !holdUntilFlush?.()) || (this.#pending.length > 0 && this.#wanted > this.#pendingStart))
    ) {
      this.#export(this.#take(maxBatchSize));
    }
  }

  #take(count: number): Batch<T> {
    const items = this.#pending.splice(0, count);
    const sizes = this.#pendingSizes.splice(0, count);
    const batch = { start: this.#pendingStart, items, bytes: sizes.reduce((sum, size) => sum + size, 0) };
    this.#pendingStart += items.length;
    return batch;
  }

  #export(batch: Batch<T>): void {
    this.#inFlight.add(batch);
    this.#inFlightRecords += batch.items.length;
    let called = false;
    const done = (result?: ExportResult) => {
      if (called) return;
      called = true;
      if (result) this.#options.onResult?.(batch.items, result);
      this.#inFlight.delete(batch);
      this.#inFlightRecords -= batch.items.length;
      this.#options.budget.release(batch.bytes);
      this.#pump();
      this.#settleWaiters();
    };
    try {
      this.#options.exporter.export(batch.items, done);
    } catch {
      // An exporter must report failures through its callback; one that throws loses nothing here.
      this.#options.overflow(batch.items, 'spilled');
      done();
    }
  }

  #satisfied(target: number): boolean {
    if (this.#pendingStart < target) return false;
    for (const batch of this.#inFlight) if (batch.start < target) return false;
    return true;
  }

  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#satisfied(waiter.target)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
  }
}
