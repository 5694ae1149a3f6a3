import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Pipelines } from '../pipelines.ts';
import { BatchedDelivery, type InvocationEnd, type SendReason } from './batched-delivery.ts';

/** The batched delivery's decision for one invocation's end. */
export type Batching = (end: Omit<InvocationEnd, 'heldRecords' | 'memoryPressed'>) => SendReason;

/**
 * The setup's batched delivery, fed with what its queues and the memory cap hold now; undefined when the
 * configuration does not ask for it.
 *
 * @example
 * const batching = batchingOf(config, pipelines);
 * batching?.({ startedAt, now: Date.now(), urgent: false }); // 'hold'
 */
export function batchingOf(config: ResolvedConfig, pipelines: Pipelines): Batching | undefined {
  if (!config.batching) return undefined;
  // A batch is full when spans and records together would fill one export request of the smaller batch size.
  const policy = new BatchedDelivery(config.batching, Math.min(config.spanBatch.maxExportBatchSize, config.logBatch.maxExportBatchSize));
  const { spans, logs, budget } = pipelines;
  return (end) =>
    policy.decide({
      ...end,
      heldRecords: spans.queue.heldRecords + logs.queue.heldRecords,
      memoryPressed: budget.heldBytes * 2 >= budget.limitBytes,
    });
}
