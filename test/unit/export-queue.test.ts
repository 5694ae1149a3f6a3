import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExportQueue, type OverflowReason } from '../../src/exporters/export-queue.ts';
import { MemoryBudget } from '../../src/exporters/memory-budget.ts';

/** An exporter that holds every export until the test answers it, and remembers the order. */
function heldExporter() {
  const calls: { items: number[]; done: (result: ExportResult) => void }[] = [];
  return {
    calls,
    export(items: number[], done: (result: ExportResult) => void) {
      calls.push({ items, done });
    },
    answer(index: number, code = ExportResultCode.SUCCESS) {
      calls[index]!.done({ code });
    },
  };
}

function queueWith(overrides: Partial<ConstructorParameters<typeof ExportQueue<number>>[0]> = {}) {
  const exporter = heldExporter();
  const overflowed: { items: number[]; reason: OverflowReason }[] = [];
  const budget = overrides.budget ?? new MemoryBudget(1_000_000);
  const queue = new ExportQueue<number>({
    exporter,
    maxBatchSize: 10,
    maxQueueSize: Number.POSITIVE_INFINITY,
    maxConcurrentExports: 3,
    scheduledDelayMs: 60_000,
    budget,
    sizeOf: () => 100,
    overflow: (items, reason) => overflowed.push({ items, reason }),
    ...overrides,
  });
  return { queue, exporter, overflowed, budget };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

afterEach(() => vi.useRealTimers());

describe('ExportQueue: nothing dropped, nothing stuck', () => {
  it('exports a burst as full batches, at most maxConcurrentExports at once, in order, and the flush waits for all of them', async () => {
    const { queue, exporter } = queueWith();
    for (let i = 0; i < 95; i++) queue.add(i);
    // Full batches leave as soon as they are full, even before a flush.
    expect(exporter.calls.map((c) => c.items.length)).toEqual([10, 10, 10]);
    const flush = queue.flush();
    expect(exporter.calls).toHaveLength(3);
    for (let answered = 0; answered < 10; answered++) {
      expect(await settled(flush)).toBe(false);
      exporter.answer(answered);
    }
    expect(await settled(flush)).toBe(true);
    expect(exporter.calls.flatMap((c) => c.items)).toEqual(Array.from({ length: 95 }, (_, i) => i));
    expect(exporter.calls.at(-1)!.items).toHaveLength(5);
    expect(queue.heldRecords).toBe(0);
  });

  it('past the memory cap, records go to overflow at once, counted as over the cap; the budget is released after export', async () => {
    const budget = new MemoryBudget(1000);
    const { queue, exporter, overflowed } = queueWith({ budget, maxBatchSize: 100 });
    for (let i = 0; i < 12; i++) queue.add(i);
    expect(overflowed).toEqual([
      { items: [10], reason: 'overCap' },
      { items: [11], reason: 'overCap' },
    ]);
    expect(budget.heldBytes).toBe(1000);
    const flush = queue.flush();
    exporter.answer(0);
    await flush;
    expect(budget.heldBytes).toBe(0);
    queue.add(12); // room again
    expect(overflowed).toHaveLength(2);
  });

  it('one budget caps two queues together (spans and logs share the memory)', () => {
    const budget = new MemoryBudget(500);
    const spans = queueWith({ budget });
    const logs = queueWith({ budget });
    for (let i = 0; i < 3; i++) spans.queue.add(i);
    for (let i = 0; i < 3; i++) logs.queue.add(i);
    expect(spans.overflowed).toEqual([]);
    expect(logs.overflowed).toEqual([{ items: [2], reason: 'overCap' }]);
  });

  it('honours a record-count cap (OTEL_B*_MAX_QUEUE_SIZE) the same way: to overflow, never dropped', () => {
    const { queue, overflowed } = queueWith({ maxQueueSize: 4, maxBatchSize: 100 });
    for (let i = 0; i < 6; i++) queue.add(i);
    expect(overflowed.flatMap((o) => o.items)).toEqual([4, 5]);
  });

  it('overlapping flushes both wait for every record added before them (the SDK processor returns at once from the second)', async () => {
    const { queue, exporter } = queueWith();
    queue.add(1);
    const first = queue.flush();
    queue.add(2);
    const second = queue.flush();
    expect(exporter.calls.map((c) => c.items)).toEqual([[1], [2]]);
    exporter.answer(0);
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(false);
    exporter.answer(1);
    expect(await settled(second)).toBe(true);
  });

  it('many overlapping flushes share full batches: records wait for a free slot, not one request per flush', async () => {
    const { queue, exporter } = queueWith({ maxConcurrentExports: 1, maxBatchSize: 100 });
    queue.add(0);
    const flushes = [queue.flush()];
    for (let i = 1; i <= 50; i++) {
      queue.add(i);
      flushes.push(queue.flush());
    }
    expect(exporter.calls.map((c) => c.items.length)).toEqual([1]);
    exporter.answer(0);
    expect(exporter.calls.map((c) => c.items.length)).toEqual([1, 50]);
    exporter.answer(1);
    await Promise.all(flushes);
  });

  it('spill hands every record not yet in a request to overflow; requests in flight are left to the exporter', async () => {
    const { queue, exporter, overflowed, budget } = queueWith({ maxConcurrentExports: 1 });
    for (let i = 0; i < 25; i++) queue.add(i);
    const flush = queue.flush();
    queue.spill();
    expect(exporter.calls).toHaveLength(1);
    expect(overflowed.map((o) => [o.items.length, o.reason])).toEqual([
      [10, 'spilled'],
      [5, 'spilled'],
    ]);
    exporter.answer(0);
    await flush;
    expect(budget.heldBytes).toBe(0);
  });

  it('exports a partial batch after scheduledDelayMs during a long invocation, and a flush clears that timer', async () => {
    vi.useFakeTimers();
    const { queue, exporter } = queueWith({ scheduledDelayMs: 1000 });
    queue.add(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(exporter.calls.map((c) => c.items)).toEqual([[1]]);
    queue.add(2);
    expect(vi.getTimerCount()).toBe(1);
    const flush = queue.flush();
    expect(vi.getTimerCount()).toBe(0);
    exporter.answer(0);
    exporter.answer(1);
    await flush;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an exporter that throws loses nothing: its records go to overflow and the queue goes on', async () => {
    const overflowed: number[] = [];
    const queue = new ExportQueue<number>({
      exporter: {
        export() {
          throw new Error('broken exporter');
        },
      },
      maxBatchSize: 2,
      maxQueueSize: Number.POSITIVE_INFINITY,
      maxConcurrentExports: 1,
      scheduledDelayMs: 1000,
      budget: new MemoryBudget(10_000),
      sizeOf: () => 1,
      overflow: (items) => overflowed.push(...items),
    });
    for (let i = 0; i < 5; i++) queue.add(i);
    await queue.flush();
    expect(overflowed).toEqual([0, 1, 2, 3, 4]);
    expect(queue.heldRecords).toBe(0);
  });
});

describe('ExportQueue holding until a flush (batched delivery)', () => {
  it('starts no export on a full batch or the timer while holding, all of them at the flush; as before once it stops holding', async () => {
    vi.useFakeTimers();
    let holding = true;
    const { queue, exporter } = queueWith({ holdUntilFlush: () => holding, scheduledDelayMs: 100 });
    for (let i = 0; i < 25; i++) queue.add(i);
    vi.advanceTimersByTime(1000);
    expect(exporter.calls).toHaveLength(0);
    const flush = queue.flush();
    expect(exporter.calls.map((c) => c.items.length)).toEqual([10, 10, 5]);
    for (let i = 0; i < 3; i++) exporter.answer(i);
    await flush;
    holding = false;
    for (let i = 0; i < 10; i++) queue.add(i);
    expect(exporter.calls.map((c) => c.items.length)).toEqual([10, 10, 5, 10]);
  });
});
