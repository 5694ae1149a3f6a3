import { TraceFlags, type Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ExportQueue } from '../exporters/export-queue.ts';
import { holdOf } from './sampling/hold-context.ts';
import type { InvocationHold } from './sampling/invocation-hold.ts';

/** The exporter a processor shuts down after its last flush. */
export interface Shutdownable {
  shutdown(): Promise<void>;
}

/** What both processors share: a queue to flush and the exporter to shut down after the last flush. */
abstract class QueueProcessor<T> {
  protected readonly queue: ExportQueue<T>;
  readonly #exporter: Shutdownable;

  constructor(queue: ExportQueue<T>, exporter: Shutdownable) {
    this.queue = queue;
    this.#exporter = exporter;
  }
  forceFlush(): Promise<void> {
    return this.queue.flush();
  }
  async shutdown(): Promise<void> {
    await this.queue.flush();
    await this.#exporter.shutdown();
  }
}

/**
 * Span processor over an `ExportQueue`: sampled spans are queued when they end, exported in parallel
 * batches, and never dropped (past the memory cap they go to stdout). `forceFlush` waits for every span
 * ended before it, even when it overlaps another flush.
 *
 * @example
 * new TracerProvider({ spanProcessors: [new QueueSpanProcessor(queue, exporter)] });
 */
export class QueueSpanProcessor extends QueueProcessor<ReadableSpan> implements SpanProcessor {
  // With tail sampling, the hold of the invocation a span was started in: its outcome decides the span.
  readonly #holds = new WeakMap<object, InvocationHold>();

  onStart(span: object, parentContext: Context): void {
    const hold = holdOf(parentContext);
    if (hold) this.#holds.set(span, hold);
  }
  onEnd(span: ReadableSpan): void {
    const hold = this.#holds.get(span);
    if (hold) return hold.addSpan(span);
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.queue.add(span);
  }
}

/**
 * Log record processor over an `ExportQueue`, with the same guarantees as `QueueSpanProcessor`.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), new QueueLogRecordProcessor(queue, exporter)] });
 */
export class QueueLogRecordProcessor extends QueueProcessor<ReadableLogRecord> implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    // The SDK makes the record read-only after onEmit; it is exported as it is now (or held with its invocation).
    const hold = context && holdOf(context);
    if (hold) hold.addLog(record as unknown as ReadableLogRecord);
    else this.queue.add(record as unknown as ReadableLogRecord);
  }
}
